from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cityloom.core.views import healthz

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("study/", include("cityloom.study.urls")),
    path("practices/", include("cityloom.practices.urls")),
    path("meetings/", include("cityloom.meetings.urls")),
    path("mentoring/", include("cityloom.mentoring.urls")),
    path("projects/", include("cityloom.projects.urls")),
    path("observatory/", include("cityloom.observatory.urls")),
    path("", include("cityloom.communications.urls")),
    path("", include("cityloom.network.urls")),
)
