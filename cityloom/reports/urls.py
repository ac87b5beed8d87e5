from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="report-index"),
    path("<slug:commission>/", views.report_list, name="report-list"),
    path("<slug:commission>/<int:year>/", views.report_detail, name="report-detail"),
    path("<slug:commission>/<int:year>/edit/", views.report_edit, name="report-edit"),
    path("<slug:commission>/<int:year>/publish/", views.report_publish, name="report-publish"),
    path("<slug:commission>/<int:year>/report.pdf", views.report_pdf, name="report-pdf"),
]
