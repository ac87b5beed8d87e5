from django.urls import path

from . import views

app_name = "study"

Q = "editions/<int:pk>/cities/<int:geonames_id>/questionnaire/"

urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<int:pk>/", views.edition_detail, name="edition-detail"),
    path("editions/<int:pk>/results.<str:fmt>", views.download, name="edition-download"),
    path("editions/<int:pk>/report/", views.report, name="edition-report"),
    path("editions/<int:pk>/report.pdf", views.report_pdf, name="edition-report-pdf"),
    path("editions/<int:pk>/cities/<int:geonames_id>/", views.city_result, name="city-result"),
    path("editions/<int:pk>/manage/", views.manage, name="edition-manage"),
    path("editions/<int:pk>/status/", views.set_status, name="edition-status"),
    path("editions/<int:pk>/compute/", views.compute, name="edition-compute"),
    path("editions/<int:pk>/computation/", views.computation_status, name="computation-status"),
    path("editions/<int:pk>/publish/", views.publish, name="edition-publish"),
    path(Q, views.questionnaire, name="questionnaire"),
    path(Q + "check/<int:node_id>/", views.validate_value, name="questionnaire-check"),
    path(Q + "template.<str:fmt>", views.template, name="questionnaire-template"),
    path(Q + "evidence/<int:value_id>/", views.evidence, name="questionnaire-evidence"),
    path(Q + "upload/", views.upload, name="questionnaire-upload"),
    path(Q + "submit/", views.submit, name="questionnaire-submit"),
    path(Q + "reopen-request/", views.request_reopen, name="questionnaire-reopen-request"),
    path(Q + "review/", views.review_questionnaire, name="questionnaire-review"),
    path(Q + "history/", views.history, name="questionnaire-history"),
]
