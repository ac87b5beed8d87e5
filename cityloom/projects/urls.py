from django.urls import path

from . import feeds, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("propose/", views.project_propose, name="project-propose"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:pk>/", views.request_decide, name="request-decide"),
    path("projects.csv", views.project_csv, name="project-csv"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/join/", views.project_join, name="project-join"),
    path("<int:pk>/calendar.ics", views.project_ics, name="project-ics"),
    path("<int:pk>/news.rss", feeds.ProjectNews(), name="project-rss"),
    path("<int:pk>/news.atom", feeds.ProjectNewsAtom(), name="project-atom"),
    path("<int:pk>/tasks/<int:task_pk>/answer/", views.task_answer, name="task-answer"),
    path("<int:pk>/tasks/", views.task_add, name="task-add"),
    path("<int:pk>/activities/", views.activity_add, name="activity-add"),
    path(
        "<int:pk>/activities/<int:activity_pk>/cadence/",
        views.cadence_change,
        name="cadence-change",
    ),
    path(
        "<int:pk>/occurrences/<int:occurrence_pk>/",
        views.occurrence_minutes,
        name="occurrence-minutes",
    ),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/deliverables/", views.deliverable_add, name="deliverable-add"),
    path("<int:pk>/template/", views.template_apply, name="template-apply"),
    path("<int:pk>/leave/", views.city_leave, name="city-leave"),
]
