"""Plans of a project: recurring activities and their occurrences, milestones, deliverables,
cadence templates. Dates come from python-dateutil (`cityloom.projects.recurrence`)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from cityloom.projects import cadences, permissions, recurrence
from cityloom.projects.models import Activity, Deliverable, Milestone, Occurrence, Project

from .base import PermissionDenied, ProjectError, record

DEFAULT_TIME = dt.time(10, 0)


def _check(by, project: Project) -> None:
    if by is not None and not permissions.can_edit_project(by, project):
        raise PermissionDenied


def default_time_zone(project: Project) -> str:
    """The lead city's zone, else UTC (a city imported without one)."""
    return (project.lead_city.timezone if project.lead_city else "") or "UTC"


def materialise(activity: Activity, *, since: dt.date | None = None) -> int:
    """Create the occurrences of the rule not yet stored (from `since`); returns how many."""
    starts = recurrence.local_starts(
        activity.rrule, first_on=activity.first_on, at=activity.at, since=since
    )
    length = dt.timedelta(minutes=activity.duration_minutes)
    rows = []
    for local in starts:
        start = recurrence.aware(local, activity.time_zone)
        rows.append(Occurrence(activity=activity, starts_at=start, ends_at=start + length))
    existing = set(activity.occurrences.values_list("starts_at", flat=True))
    new = [row for row in rows if row.starts_at not in existing]
    Occurrence.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _rule_or_error(rule: str, first_on: dt.date, at: dt.time) -> str:
    try:
        recurrence.parse(rule, first=dt.datetime.combine(first_on, at))
    except recurrence.RuleError as exc:
        raise ProjectError(
            _("“%(rule)s” is not a recurrence rule (for example FREQ=MONTHLY;INTERVAL=4;COUNT=5).")
            % {"rule": rule},
            field="rrule",
        ) from exc
    return rule.strip().removeprefix("RRULE:")


def add_activity(
    project: Project,
    *,
    by,
    title: str,
    first_on: dt.date,
    rrule: str = "",
    every_months: int | None = None,
    count: int | None = None,
    at: dt.time | None = None,
    duration_minutes: int = 90,
    time_zone: str = "",
    online_url: str = "",
    agenda: str = "",
) -> Activity:
    """A recurring activity from an RRULE, or from "every N months" (turned into one)."""
    _check(by, project)
    at = at or DEFAULT_TIME
    if not rrule:
        if not every_months:
            raise ProjectError(
                _("Give a cadence: every how many months, or a rule."), field="rrule"
            )
        rrule = recurrence.every_n_months(every_months, day=first_on.day, count=count)
    rrule = _rule_or_error(rrule, first_on, at)
    with transaction.atomic():
        activity = Activity.objects.create(
            project=project,
            title=title,
            rrule=rrule,
            first_on=first_on,
            at=at,
            duration_minutes=duration_minutes,
            time_zone=time_zone or default_time_zone(project),
            online_url=online_url,
            agenda=agenda,
        )
        materialise(activity)
        record("project.activity_added", project, actor=by, activity=activity.pk, rrule=rrule)
    return activity


def _until(rule: str, last: dt.date) -> str:
    parts = [p for p in rule.split(";") if p and not p.upper().startswith(("COUNT=", "UNTIL="))]
    return ";".join([*parts, f"UNTIL={last:%Y%m%d}T235959"])


def change_cadence(
    activity: Activity,
    *,
    by,
    from_on: dt.date,
    rrule: str = "",
    every_months: int | None = None,
    count: int | None = None,
) -> Activity:
    """From `from_on` on, the activity follows a new rule. The old rule ends the day before and
    keeps its occurrences; later occurrences without minutes are replaced by the new rule's."""
    project = activity.project
    _check(by, project)
    if from_on <= activity.first_on:
        raise ProjectError(
            _("The new cadence must start after the first occurrence."), field="from_on"
        )
    if not rrule:
        if not every_months:
            raise ProjectError(
                _("Give a cadence: every how many months, or a rule."), field="rrule"
            )
        rrule = recurrence.every_n_months(every_months, day=from_on.day, count=count)
    rrule = _rule_or_error(rrule, from_on, activity.at)
    with transaction.atomic():
        cut = recurrence.aware(dt.datetime.combine(from_on, dt.time.min), activity.time_zone)
        activity.occurrences.filter(starts_at__gte=cut, minutes="").delete()
        activity.rrule = _until(activity.rrule, from_on - dt.timedelta(days=1))
        activity.save(update_fields=["rrule"])
        successor = Activity.objects.create(
            project=project,
            title=activity.title,
            rrule=rrule,
            first_on=from_on,
            at=activity.at,
            duration_minutes=activity.duration_minutes,
            time_zone=activity.time_zone,
            online_url=activity.online_url,
            agenda=activity.agenda,
        )
        materialise(successor)
        record(
            "project.cadence_changed",
            project,
            actor=by,
            activity=activity.pk,
            successor=successor.pk,
            rrule=rrule,
            from_on=from_on.isoformat(),
        )
    return successor


def save_minutes(
    occurrence: Occurrence, *, by, minutes: str, agenda: str | None = None
) -> Occurrence:
    project = occurrence.activity.project
    if not (
        permissions.can_edit_project(by, project) or permissions.takes_part(by.city_id, project)
    ):
        raise PermissionDenied
    with transaction.atomic():
        occurrence.minutes = minutes
        if agenda is not None:
            occurrence.agenda = agenda
        occurrence.save(update_fields=["minutes", "agenda"])
        record("project.minutes_saved", project, actor=by, occurrence=occurrence.pk)
    return occurrence


def add_milestone(
    project: Project, *, by, title: str, on: dt.date, city=None, description=""
) -> Milestone:
    _check(by, project)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            project=project, title=title, on=on, city=city, description=description
        )
        record("project.milestone_added", project, actor=by, milestone=milestone.pk)
    return milestone


def add_deliverable(
    project: Project,
    *,
    by,
    title: str,
    due_on: dt.date | None = None,
    due_months: int | None = None,
    owner_city=None,
) -> Deliverable:
    """Due on a date, or "within N months" of the project's start (which must then be set)."""
    _check(by, project)
    if (due_on is None) == (due_months is None):
        raise ProjectError(_("Give either a due date or a number of months."), field="due_on")
    if due_months is not None:
        if project.starts_on is None:
            raise ProjectError(
                _("Set the project's start date before a deadline in months."), field="due_months"
            )
        due_on = recurrence.months_after(project.starts_on, due_months)
    if owner_city is not None and not permissions.takes_part(owner_city.pk, project):
        raise ProjectError(_("The owner must be a city taking part."), field="owner_city")
    with transaction.atomic():
        deliverable = Deliverable.objects.create(
            project=project,
            title=title,
            due_on=due_on,
            due_months=due_months,
            owner_city=owner_city,
        )
        record("project.deliverable_added", project, actor=by, deliverable=deliverable.pk)
    return deliverable


def reschedule_relative_deliverables(project: Project) -> None:
    """The start moved: deadlines given in months follow it."""
    for deliverable in project.deliverables.filter(due_months__isnull=False):
        deliverable.due_on = recurrence.months_after(project.starts_on, deliverable.due_months)
        deliverable.save(update_fields=["due_on"])


def set_deliverable_status(
    deliverable: Deliverable, *, by, status: str, owner_city=None
) -> Deliverable:
    project = deliverable.project
    _check(by, project)
    with transaction.atomic():
        deliverable.status = status
        if owner_city is not None:
            if not permissions.takes_part(owner_city.pk, project):
                raise ProjectError(_("The owner must be a city taking part."), field="owner_city")
            deliverable.owner_city, deliverable.needs_owner = owner_city, False
        deliverable.save()
        record(
            "project.deliverable_changed",
            project,
            actor=by,
            deliverable=deliverable.pk,
            status=status,
        )
    return deliverable


def apply_template(project: Project, *, by, key: str, language: str | None = None) -> None:
    """Plan the project from a cadence template, counted from the project's start."""
    _check(by, project)
    template = cadences.templates().get(key)
    if template is None:
        raise ProjectError(_("Unknown cadence template."), field="template")
    if project.starts_on is None:
        raise ProjectError(_("Set the project's start date before applying a template."))
    language = language or project.language
    with transaction.atomic():
        for item in template.activities:
            add_activity(
                project,
                by=by,
                title=cadences.in_language(item["title"], language),
                first_on=project.starts_on,
                every_months=item["every_months"],
                count=item.get("count"),
            )
        for item in template.milestones:
            add_milestone(
                project,
                by=by,
                title=cadences.in_language(item["title"], language),
                on=recurrence.months_after(project.starts_on, item["at_month"]),
            )
        for item in template.deliverables:
            add_deliverable(
                project,
                by=by,
                title=cadences.in_language(item["title"], language),
                due_months=item["at_month"],
                owner_city=project.lead_city,
            )
