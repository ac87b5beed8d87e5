from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.home, name="home"),
    path("publications/", views.publication_list, name="publication-list"),
    path("publications/new/", views.publication_create, name="publication-create"),
    path("publications/<int:pk>/", views.publication_detail, name="publication-detail"),
    path("publications/<int:pk>/document.pdf", views.publication_pdf, name="publication-pdf"),
    path("feeds/", views.source_list, name="source-list"),
    path("feeds/<int:pk>/", views.source_detail, name="source-detail"),
    path("feeds/<int:pk>/poll/", views.source_poll, name="source-poll"),
    path("trends/", views.trends_view, name="trends"),
]
