from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.board_list, name="board-list"),
    path("search/", views.search, name="search"),
    path("new/", views.board_create, name="board-create"),
    path("moderation/", views.moderation, name="moderation"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("threads/<int:pk>/", views.thread_detail, name="thread-detail"),
    path("threads/<int:pk>/reply/", views.reply, name="reply"),
    path("threads/<int:pk>/moderate/", views.thread_moderate, name="thread-moderate"),
    path("threads/<int:pk>/subscribe/", views.thread_subscribe, name="thread-subscribe"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("posts/<int:pk>/report/", views.post_report, name="post-report"),
    path("posts/<int:pk>/hide/", views.post_hide, name="post-hide"),
    path("posts/<int:pk>/attachment/", views.post_attachment, name="post-attachment"),
    path("<slug:slug>/", views.board_detail, name="board-detail"),
    path("<slug:slug>/new/", views.thread_create, name="thread-create"),
    path("<slug:slug>/subscribe/", views.board_subscribe, name="board-subscribe"),
]
