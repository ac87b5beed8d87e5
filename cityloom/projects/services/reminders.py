"""Reminders before activities and deliverables, sent by a background task.

Exactly once per recipient and occurrence (or deliverable and due date): each e-mail is queued
with an outbox key naming both, in its own transaction. A second run, or a run after a worker
died halfway through the batch, finds the keys already queued and adds only the missing ones.
"""

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone

from cityloom.core.models import OutgoingMail
from cityloom.projects.models import Activity, Deliverable, Occurrence, Project, ProjectCity

from .base import focal_points, mail_person, site_url
from .planning import materialise

OCCURRENCE_NOTICE = dt.timedelta(days=2)
DELIVERABLE_NOTICE = dt.timedelta(days=7)
RUNNING = (Project.Status.PROPOSED, Project.Status.ACTIVE)


def _people_by_project(project_ids) -> dict[int, list]:
    places = (
        ProjectCity.objects.taking_part().filter(project_id__in=project_ids).select_related("city")
    )
    people: dict[int, list] = {}
    cache: dict[int, list] = {}
    for place in places:
        if place.city_id not in cache:
            cache[place.city_id] = focal_points(place.city)
        people.setdefault(place.project_id, []).extend(cache[place.city_id])
    return people


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders due at `now`; returns how many e-mails this run queued."""
    now = now or timezone.now()
    for activity in Activity.objects.filter(project__status__in=RUNNING):
        materialise(activity, since=(now - dt.timedelta(days=1)).date())
    occurrences = list(
        Occurrence.objects.filter(
            activity__project__status__in=RUNNING,
            starts_at__gte=now,
            starts_at__lte=now + OCCURRENCE_NOTICE,
        ).select_related("activity__project")
    )
    today = timezone.localdate(now)
    deliverables = list(
        Deliverable.objects.open()
        .filter(
            project__status__in=RUNNING,
            due_on__gte=today,
            due_on__lte=today + DELIVERABLE_NOTICE,
        )
        .select_related("project", "owner_city")
    )
    people = _people_by_project(
        {o.activity.project_id for o in occurrences} | {d.project_id for d in deliverables}
    )
    queued = 0
    for occurrence in occurrences:
        project = occurrence.activity.project
        for person in people.get(project.pk, []):
            queued += _remind(
                person,
                "activity_reminder",
                key=f"projects:occurrence:{occurrence.pk}:{person.pk}",
                context=lambda o=occurrence, p=project: {
                    "project": p.display_title,
                    "activity": o.activity.display_title,
                    "when": formats.date_format(o.local_start, "DATETIME_FORMAT")
                    + f" ({o.activity.time_zone})",
                    "online_url": o.activity.online_url,
                    "agenda": o.agenda or o.activity.agenda,
                    "url": site_url("projects:project-detail", p.pk),
                },
            )
    for deliverable in deliverables:
        project = deliverable.project
        for person in people.get(project.pk, []):
            queued += _remind(
                person,
                "deliverable_reminder",
                key=f"projects:deliverable:{deliverable.pk}:{deliverable.due_on}:{person.pk}",
                context=lambda d=deliverable, p=project: {
                    "project": p.display_title,
                    "deliverable": d.display_title,
                    "due_on": formats.date_format(d.due_on, "DATE_FORMAT"),
                    "owner": d.owner_city.name if d.owner_city else "",
                    "url": site_url("projects:project-detail", p.pk),
                },
            )
    return queued


def _remind(person, template: str, *, key: str, context) -> int:
    with transaction.atomic():
        if OutgoingMail.objects.filter(key=key).exists():
            return 0
        mail_person(person, template, context, key=key)
    return 1
