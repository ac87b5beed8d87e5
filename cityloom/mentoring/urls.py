from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("my/", views.my_mentoring, name="my"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("pairing/<slug:slug>/", views.pairing, name="pairing"),
    path("cities/<int:geonames_id>/", views.city_programmes, name="city"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/propose/", views.request_propose, name="request-propose"),
    path("requests/<int:pk>/unpropose/", views.request_unpropose, name="request-unpropose"),
    path("requests/<int:pk>/answer/", views.request_answer, name="request-answer"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("programmes/<int:pk>/objectives/", views.add_objective, name="objective-add"),
    path("programmes/<int:pk>/milestones/", views.add_milestone, name="milestone-add"),
    path(
        "programmes/<int:pk>/milestones/<int:milestone_id>/done/",
        views.complete_milestone,
        name="milestone-done",
    ),
    path("programmes/<int:pk>/activities/", views.log_activity, name="activity-add"),
    path("programmes/<int:pk>/reports/", views.file_report, name="report-add"),
    path("programmes/<int:pk>/close/", views.close_programme, name="close"),
    path("programmes/<int:pk>/evaluations/", views.evaluate, name="evaluate"),
    path("programmes/<int:pk>/messages/", views.post_message, name="message-add"),
]
