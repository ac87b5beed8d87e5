"""A project's life: created (from scratch or from a BarCamp session), edited, cities leaving."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.meetings import permissions as meetings_permissions
from cityloom.meetings.models import Topic
from cityloom.network import queries as network_queries
from cityloom.network.permissions import is_secretariat_of
from cityloom.projects import permissions
from cityloom.projects.models import Deliverable, Project, ProjectCity

from .base import PermissionDenied, ProjectError, record
from .planning import reschedule_relative_deliverables

EDITABLE = (
    "title",
    "question",
    "axis",
    "lead_city",
    "methodology",
    "status",
    "starts_on",
    "language",
)


def _set_lead(project: Project, lead_city, *, today: dt.date) -> None:
    if lead_city is None:
        return
    ProjectCity.objects.filter(project=project, role=ProjectCity.Role.LEAD).exclude(
        city=lead_city
    ).update(role=ProjectCity.Role.PARTICIPANT)
    place, created = ProjectCity.objects.get_or_create(
        project=project,
        city=lead_city,
        defaults={"role": ProjectCity.Role.LEAD, "joined_on": today},
    )
    if not created and (place.role != ProjectCity.Role.LEAD or place.left_on):
        place.role, place.left_on = ProjectCity.Role.LEAD, None
        place.joined_on = place.joined_on or today
        place.save(update_fields=["role", "left_on", "joined_on"])


def _create(
    *, by, commission, interested=(), meeting=None, source_session=None, **fields
) -> Project:
    today = timezone.localdate()
    project = Project.objects.create(
        commission=commission,
        meeting=meeting,
        source_session=source_session,
        proposed_by=by,
        **{k: v for k, v in fields.items() if k in EDITABLE},
    )
    _set_lead(project, project.lead_city, today=today)
    for city in interested:
        ProjectCity.objects.get_or_create(
            project=project,
            city=city,
            defaults={"role": ProjectCity.Role.INTERESTED, "joined_on": today},
        )
    record("project.created", project, actor=by, session=getattr(source_session, "pk", None))
    return project


def create_project(*, by, commission, interested=(), **fields) -> Project:
    """A project with its lead city and the cities interested in it."""
    if not permissions.can_create_project(by):
        raise PermissionDenied
    if not is_secretariat_of(by, commission.pk):
        # A focal point creates the projects their own city leads, in its commissions.
        if not network_queries.is_active_member(by.city_id, commission_id=commission.pk):
            raise PermissionDenied
        if fields.get("lead_city") is None or fields["lead_city"].pk != by.city_id:
            raise ProjectError(_("Your city must lead the projects you create."), field="lead_city")
    with transaction.atomic():
        return _create(by=by, commission=commission, interested=interested, **fields)


def create_project_from_session(
    topic: Topic, *, by, cities, title: str = "", methodology: str = "", **fields
) -> Project:
    """A project identified in a BarCamp session: its title, axis and its voters' cities, linked
    to the session (and so to its notes). Whoever records the session's outcome may do it."""
    if not meetings_permissions.can_record_outcome(by, topic):
        raise PermissionDenied
    with transaction.atomic():
        return _create(
            by=by,
            commission=topic.meeting.commission,
            meeting=topic.meeting,
            source_session=topic,
            interested=cities,
            title=title.strip() or topic.title,
            axis=fields.pop("axis", None) or topic.axis,
            methodology=methodology,
            **fields,
        )


def update_project(project: Project, *, by, **fields) -> Project:
    if not permissions.can_edit_project(by, project):
        raise PermissionDenied
    lead = fields.get("lead_city", project.lead_city)
    if (
        not permissions.is_project_secretariat(by, project)
        and lead is not None
        and lead.pk != project.lead_city_id
    ):
        raise ProjectError(
            _("Only the secretariat hands the lead to another city."), field="lead_city"
        )
    with transaction.atomic():
        start_changed = "starts_on" in fields and fields["starts_on"] != project.starts_on
        for name, value in fields.items():
            if name in EDITABLE:
                setattr(project, name, value)
        project.save()
        _set_lead(project, project.lead_city, today=timezone.localdate())
        if start_changed and project.starts_on:
            reschedule_relative_deliverables(project)
        record("project.updated", project, actor=by, fields=sorted(fields))
    return project


def leave_project(
    project: Project, city, *, by, reassign_to=None, today: dt.date | None = None
) -> list[int]:
    """The city leaves: its place is kept with the date, its open deliverables go to
    `reassign_to` or are flagged as needing an owner. Returns the deliverables concerned."""
    if not permissions.can_leave(by, project, city.pk):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        place = (
            ProjectCity.objects.select_for_update()
            .filter(project=project, city=city, left_on__isnull=True)
            .first()
        )
        if place is None:
            raise ProjectError(_("This city does not take part in the project."))
        if reassign_to is not None and not permissions.takes_part(reassign_to.pk, project):
            raise ProjectError(
                _("The deliverables can only go to a city taking part."), field="reassign_to"
            )
        if reassign_to is not None and reassign_to.pk == city.pk:
            raise ProjectError(
                _("Choose another city to take the deliverables over."), field="reassign_to"
            )
        place.left_on = today
        place.save(update_fields=["left_on"])
        open_items = Deliverable.objects.open().filter(project=project, owner_city=city)
        ids = list(open_items.values_list("pk", flat=True))
        if reassign_to is not None:
            open_items.update(owner_city=reassign_to, needs_owner=False)
        else:
            open_items.update(needs_owner=True)
        if project.lead_city_id == city.pk:
            project.lead_city = None
            project.save(update_fields=["lead_city", "updated_at"])
        record(
            "project.city_left",
            project,
            actor=by,
            city=city.pk,
            deliverables=ids,
            reassigned_to=getattr(reassign_to, "pk", None),
        )
    return ids
