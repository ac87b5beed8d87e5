from django.urls import path

from . import feeds, views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("new/", views.practice_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("feed/rss/", feeds.NewPractices(), name="feed-rss"),
    path("feed/atom/", feeds.NewPracticesAtom(), name="feed-atom"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/edit/", views.practice_edit, name="edit"),
    path("<int:pk>/publish/", views.practice_publish, name="publish"),
    path("<int:pk>/translations/<str:language>/", views.translation_edit, name="translation"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/label/", views.label_review, name="label"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/compendium/", views.compendium_add, name="compendium-add"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation"),
    path("transfers/<int:pk>/", views.transfer_edit, name="transfer"),
    path("cities/<int:geonames_id>/", views.city_practices, name="city"),
    path("compendiums/", views.compendium_list, name="compendium-list"),
    path("compendiums/new/", views.compendium_create, name="compendium-create"),
    path("compendiums/<slug:slug>/", views.compendium_detail, name="compendium"),
    path(
        "compendiums/<slug:slug>/entries/<int:entry_pk>/",
        views.compendium_entry,
        name="compendium-entry",
    ),
    path(
        "compendiums/<slug:slug>/compendium.<str:fmt>",
        views.compendium_export,
        name="compendium-export",
    ),
]
