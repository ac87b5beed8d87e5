from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel_registration, name="cancel"),
    path("<slug:slug>/meeting.ics", views.meeting_ics, name="meeting-ics"),
    path("<slug:slug>/topics/", views.proposals, name="proposals"),
    path("<slug:slug>/topics/live/", views.proposals_partial, name="proposals-live"),
    path("<slug:slug>/topics/<int:pk>/vote/", views.vote, name="vote"),
    path("<slug:slug>/topics/<int:pk>/edit/", views.topic_edit, name="topic-edit"),
    path("<slug:slug>/grid/", views.grid_public, name="grid"),
    path("<slug:slug>/grid/print/", views.grid_print, name="grid-print"),
    path("<slug:slug>/grid/manage/", views.grid_manage, name="grid-manage"),
    path("<slug:slug>/grid/status/", views.grid_status, name="grid-status"),
    path("<slug:slug>/grid/publish/", views.grid_publish, name="grid-publish"),
    path("<slug:slug>/grid/<str:mode>/", views.grid_compute, name="grid-compute"),
    path("<slug:slug>/grid/sessions/<int:pk>/move/", views.session_move, name="session-move"),
    path("<slug:slug>/grid/sessions/<int:pk>/pin/", views.session_pin, name="session-pin"),
    path("<slug:slug>/schedule.json", views.schedule_json, name="schedule-json"),
    path("<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("<slug:slug>/sessions/<int:pk>/session.ics", views.session_ics, name="session-ics"),
    path("<slug:slug>/sessions/<int:pk>/notes/", views.notes_edit, name="notes-edit"),
    path("<slug:slug>/sessions/<int:pk>/outcome/", views.session_outcome, name="session-outcome"),
    path("<slug:slug>/sessions/<int:pk>/project/", views.session_project, name="session-project"),
    path("<slug:slug>/report/", views.meeting_report, name="report"),
    path("<slug:slug>/report.pdf", views.meeting_report_pdf, name="report-pdf"),
]
