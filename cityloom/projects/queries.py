"""Reads of projects shared by pages, feeds, exports, the API, meetings and the workspace."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from cityloom.network.permissions import secretariat_commissions

from .models import (
    CityTask,
    Deliverable,
    JoinRequest,
    Occurrence,
    Project,
    ProjectCity,
    TaskAnswer,
)


def _with_cities(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("lead_city", "commission").prefetch_related(
        Prefetch(
            "memberships",
            queryset=ProjectCity.objects.select_related("city").order_by("role", "city__name"),
        )
    )


def _next_activity(queryset: QuerySet[Project], now: dt.datetime) -> QuerySet[Project]:
    upcoming = Occurrence.objects.filter(
        activity__project=OuterRef("pk"), starts_at__gte=now
    ).order_by("starts_at", "pk")
    return queryset.annotate(
        next_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        next_activity_title=Subquery(upcoming.values("activity__title")[:1]),
    )


def project_list(*, now: dt.datetime | None = None) -> QuerySet[Project]:
    """Public projects with their cities and next activity, active first."""
    return _next_activity(_with_cities(Project.objects.visible()), now or timezone.now()).order_by(
        "status", "-starts_on", "title", "pk"
    )


def project(pk: int) -> Project | None:
    return (
        Project.objects.visible()
        .select_related("lead_city", "commission", "meeting", "source_session")
        .filter(pk=pk)
        .first()
    )


def memberships(project: Project) -> list[ProjectCity]:
    return list(
        project.memberships.select_related("city").order_by("left_on", "role", "city__name")
    )


@dataclass
class Timeline:
    past: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    deliverables: list = field(default_factory=list)


def timeline(project: Project, *, now: dt.datetime | None = None) -> Timeline:
    """Occurrences before and after `now`, milestones and deliverables, each in date order."""
    now = now or timezone.now()
    occurrences = list(
        Occurrence.objects.filter(activity__project=project)
        .select_related("activity")
        .order_by("starts_at", "pk")
    )
    return Timeline(
        past=[o for o in occurrences if o.starts_at < now],
        upcoming=[o for o in occurrences if o.starts_at >= now],
        milestones=list(project.milestones.select_related("city")),
        deliverables=list(project.deliverables.select_related("owner_city")),
    )


def current_cities(project: Project):
    """The cities of the project that have not left (as a City queryset, for form choices)."""
    places = ProjectCity.objects.filter(project=project, left_on__isnull=True)
    return project.cities.filter(pk__in=places.values("city_id")).distinct().order_by("name")


def activities(project: Project) -> list:
    return list(project.activities.all())


@dataclass
class TaskState:
    task: CityTask
    answers: list[TaskAnswer]
    missing: list  # cities taking part that have not answered


def tasks(project: Project, places: list[ProjectCity]) -> list[TaskState]:
    taking_part = [
        p.city
        for p in places
        if p.left_on is None and p.role in (ProjectCity.Role.LEAD, ProjectCity.Role.PARTICIPANT)
    ]
    rows = project.tasks.prefetch_related(
        Prefetch("answers", queryset=TaskAnswer.objects.select_related("city"))
    )
    states = []
    for task in rows:
        answers = list(task.answers.all())
        answered = {a.city_id for a in answers}
        missing = sorted((c for c in taking_part if c.pk not in answered), key=lambda c: c.name)
        states.append(TaskState(task, answers, missing))
    return states


def task(project: Project, pk: int) -> CityTask | None:
    return project.tasks.filter(pk=pk).first()


def occurrence(project: Project, pk: int) -> Occurrence | None:
    return (
        Occurrence.objects.select_related("activity")
        .filter(activity__project=project, pk=pk)
        .first()
    )


def join_request(pk: int) -> JoinRequest | None:
    return (
        JoinRequest.objects.select_related(
            "project__lead_city", "city", "requested_by", "commission"
        )
        .filter(pk=pk)
        .first()
    )


def pending_requests(user) -> QuerySet[JoinRequest]:
    """The requests waiting for this person as secretariat, oldest first."""
    return JoinRequest.objects.filter(
        status=JoinRequest.Status.PENDING, commission__in=secretariat_commissions(user)
    ).select_related("project", "city", "requested_by")


def overdue_deliverables(user, *, today: dt.date | None = None) -> QuerySet[Deliverable]:
    today = today or timezone.localdate()
    return (
        Deliverable.objects.overdue(today)
        .filter(project__commission__in=secretariat_commissions(user))
        .exclude(project__status__in=[Project.Status.COMPLETED, Project.Status.DROPPED])
        .select_related("project", "owner_city")
    )


def pending_summary(user, *, today: dt.date) -> dict:
    """Counts and oldest dates for the workspace, in four queries at most."""
    summary = {"requests": 0, "requests_since": None, "overdue": 0, "overdue_since": None}
    summary["tasks"] = []
    if secretariat_commissions(user).exists():
        requests = pending_requests(user).aggregate(n=Count("pk"), since=Min("created_at"))
        overdue = overdue_deliverables(user, today=today).aggregate(
            n=Count("pk"), since=Min("due_on")
        )
        summary.update(
            requests=requests["n"],
            requests_since=requests["since"],
            overdue=overdue["n"],
            overdue_since=overdue["since"],
        )
    if user.is_focal_point:
        summary["tasks"] = list(unanswered_tasks(user.city_id))
    return summary


def unanswered_tasks(city_id: int) -> QuerySet[CityTask]:
    """Tasks of running projects the city takes part in and has not answered."""
    return (
        CityTask.objects.filter(
            project__status__in=[Project.Status.PROPOSED, Project.Status.ACTIVE],
            project__memberships__city_id=city_id,
            project__memberships__left_on__isnull=True,
            project__memberships__role__in=[ProjectCity.Role.LEAD, ProjectCity.Role.PARTICIPANT],
        )
        .exclude(answers__city_id=city_id)
        .select_related("project")
        .order_by("project_id", "pk")
    )


def projects_of_meeting(meeting) -> QuerySet[Project]:
    """The projects identified at a meeting (for its page and report), in order."""
    return (
        _with_cities(Project.objects.filter(meeting=meeting))
        .prefetch_related("cities")
        .order_by("created_at", "pk")
    )


def projects_by_meeting(meeting_ids: list[int]) -> dict[int, list[Project]]:
    """The projects identified at each of the meetings, by meeting id (two queries)."""
    grouped: dict[int, list[Project]] = {}
    rows = Project.objects.filter(meeting_id__in=meeting_ids).prefetch_related("cities")
    for project in rows.order_by("pk"):
        grouped.setdefault(project.meeting_id, []).append(project)
    return grouped


def projects_of_session(topic) -> QuerySet[Project]:
    return (
        Project.objects.filter(source_session=topic)
        .prefetch_related("cities")
        .order_by("created_at", "pk")
    )


def ical_occurrences(project: Project) -> list[Occurrence]:
    return list(
        Occurrence.objects.filter(activity__project=project)
        .select_related("activity")
        .order_by("starts_at", "pk")
    )


def news(project: Project, *, limit: int = 30) -> list[dict]:
    """What happened in the project, newest first: cities joining, activities held with minutes,
    milestones and deliverables delivered (dates, not times: the feed's items are days)."""
    now = timezone.now()
    items = []
    for place in project.memberships.select_related("city").filter(joined_on__isnull=False):
        items.append({"kind": "joined", "date": place.joined_on, "object": place})
    for o in (
        Occurrence.objects.filter(activity__project=project, starts_at__lt=now)
        .exclude(minutes="")
        .select_related("activity")
    ):
        items.append({"kind": "held", "date": o.starts_at.date(), "object": o})
    for m in project.milestones.filter(on__lte=now.date()):
        items.append({"kind": "milestone", "date": m.on, "object": m})
    for d in project.deliverables.filter(status=Deliverable.Status.DELIVERED):
        items.append({"kind": "delivered", "date": d.due_on, "object": d})
    items.sort(key=lambda item: item["date"], reverse=True)
    return items[:limit]


def export_rows(*, now: dt.datetime | None = None) -> QuerySet[Project]:
    return project_list(now=now)
