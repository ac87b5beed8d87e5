"""Cities asking to join a project, or proposing one; the secretariat decides and puts the
cities in contact."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.network import queries as network_queries
from cityloom.projects import permissions
from cityloom.projects.models import JoinRequest, Project, ProjectCity

from .base import PermissionDenied, ProjectError, focal_points, mail_person, record, site_url


@dataclass(frozen=True)
class Recipient:
    person: object
    city: object
    # The city the recipient is put in contact with.
    other: object


def request_join(project: Project, *, by, message: str) -> JoinRequest:
    """A focal point asks, for their city, to take part in the project."""
    if not permissions.can_request_join(by, project):
        raise PermissionDenied
    with transaction.atomic():
        if JoinRequest.objects.filter(
            project=project, city_id=by.city_id, status=JoinRequest.Status.PENDING
        ).exists():
            raise ProjectError(_("Your city has already asked to join this project."))
        join = JoinRequest.objects.create(
            commission=project.commission,
            kind=JoinRequest.Kind.JOIN,
            project=project,
            city_id=by.city_id,
            requested_by=by,
            message=message,
        )
        record("project.join_requested", project, actor=by, request=join.pk, city=by.city_id)
    return join


def propose_project(*, by, commission, title: str, axis: str, message: str) -> JoinRequest:
    """A focal point proposes a new project for their city to lead."""
    if not permissions.can_propose_project(by) or not network_queries.is_active_member(
        by.city_id, commission_id=commission.pk
    ):
        raise PermissionDenied
    with transaction.atomic():
        join = JoinRequest.objects.create(
            commission=commission,
            kind=JoinRequest.Kind.PROPOSE,
            city_id=by.city_id,
            requested_by=by,
            message=message,
            proposed_title=title,
            proposed_axis=axis,
        )
        record("project.proposed", join, actor=by, city=by.city_id)
    return join


def _contact_cities(join: JoinRequest) -> list:
    """Whom the requesting city is put in touch with: the lead, else every city taking part."""
    project = join.project
    if project is None:
        return []
    if project.lead_city_id and project.lead_city_id != join.city_id:
        return [project.lead_city]
    places = ProjectCity.objects.taking_part().filter(project=project).exclude(city_id=join.city_id)
    return [place.city for place in places.select_related("city")]


def recipients(join: JoinRequest) -> list[Recipient]:
    """Who an acceptance e-mails: the requesting city's focal points and those of the cities it
    is put in contact with, each told about the other side."""
    others = _contact_cities(join)
    rows = [
        Recipient(p, join.city, other)
        for other in others or [None]
        for p in focal_points(join.city)
    ]
    rows += [Recipient(p, other, join.city) for other in others for p in focal_points(other)]
    return rows


def _contacts(city) -> str:
    return "\n".join(f"- {p} <{p.email}>" for p in focal_points(city)) if city else ""


def decide(join: JoinRequest, *, by, accept: bool) -> Project | None:
    """Accept (the city takes part, both sides are e-mailed) or decline the request."""
    if not permissions.can_decide(by, join):
        raise PermissionDenied
    with transaction.atomic():
        join = JoinRequest.objects.select_for_update().get(pk=join.pk)
        if join.status != JoinRequest.Status.PENDING:
            raise ProjectError(_("This request has already been decided."))
        join.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
        join.decided_by, join.decided_at = by, timezone.now()
        join.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        today = timezone.localdate()
        project = join.project
        if accept and join.kind == JoinRequest.Kind.PROPOSE:
            project = Project.objects.create(
                commission=join.commission,
                title=join.proposed_title,
                axis=join.proposed_axis,
                question=join.message,
                lead_city=join.city,
                proposed_by=join.requested_by,
            )
            ProjectCity.objects.create(
                project=project, city=join.city, role=ProjectCity.Role.LEAD, joined_on=today
            )
            join.project = project
            join.save(update_fields=["project"])
        elif accept:
            place, created = ProjectCity.objects.get_or_create(
                project=project,
                city=join.city,
                defaults={"role": ProjectCity.Role.PARTICIPANT, "joined_on": today},
            )
            if not created:
                place.left_on, place.joined_on = None, today
                if place.role == ProjectCity.Role.INTERESTED:
                    place.role = ProjectCity.Role.PARTICIPANT
                place.save(update_fields=["left_on", "joined_on", "role"])
        people = (
            recipients(join)
            if accept
            else [Recipient(p, join.city, None) for p in focal_points(join.city)]
        )
        template = "request_accepted" if accept else "request_declined"
        for row in people:
            mail_person(
                row.person,
                template,
                lambda row=row, project=project: {
                    "project": project.display_title if project else join.proposed_title,
                    "city": row.city.name,
                    "other_city": row.other.name if row.other else "",
                    "contacts": _contacts(row.other),
                    "url": site_url("projects:project-detail", project.pk) if project else "",
                },
                key=f"projects:request:{join.pk}:{row.person.pk}",
            )
        record(
            "project.request_accepted" if accept else "project.request_declined",
            project or join,
            actor=by,
            request=join.pk,
            city=join.city_id,
            emailed=sorted({row.person.email for row in people}),
        )
    return project
