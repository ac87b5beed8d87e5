from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cityloom.core.views import accessibility_statement, healthz

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accessibility/", accessibility_statement, name="accessibility"),
    path("accounts/", include("allauth.urls")),
    path("study/", include("cityloom.study.urls")),
    path("practices/", include("cityloom.practices.urls")),
    path("meetings/", include("cityloom.meetings.urls")),
    path("forum/", include("cityloom.forum.urls")),
    path("mentoring/", include("cityloom.mentoring.urls")),
    path("projects/", include("cityloom.projects.urls")),
    path("observatory/", include("cityloom.observatory.urls")),
    path("reports/", include("cityloom.reports.urls")),
    path("", include("cityloom.communications.urls")),
    path("", include("cityloom.network.urls")),
)

handler400 = "cityloom.core.views.bad_request"
handler403 = "cityloom.core.views.permission_denied"
handler404 = "cityloom.core.views.page_not_found"
handler500 = "cityloom.core.views.server_error"
