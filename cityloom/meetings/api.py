import datetime as dt

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from cityloom.core.api import Slug, errors
from cityloom.projects import queries as project_queries

from . import exports, queries
from .models import Meeting, Topic

router = Router(tags=["meetings"])


class SessionOut(Schema):
    id: int
    title: str
    description: str
    axis: str
    language: str
    room: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    votes: int


class ProjectOut(Schema):
    title: str
    description: str
    axis: str
    session: int | None
    cities: list[int]  # GeoNames ids


class MeetingOut(Schema):
    slug: str
    title: str
    axis: str
    commission: str
    host_city: int | None  # GeoNames id
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str
    venue: str
    online_url: str
    languages: list[str]
    registration_opens_at: dt.datetime
    registration_closes_at: dt.datetime
    capacity: int
    status: str
    grid_published_at: dt.datetime | None
    sessions: list[SessionOut]
    projects: list[ProjectOut]


def _meeting_out(meeting: Meeting, projects: list) -> dict:
    grid = queries.grid_from(
        meeting,
        rooms=list(meeting.rooms.all()),
        slots=list(meeting.slots.all()),
        topics=list(meeting.topics.all()),
    )
    sessions = grid.sessions if meeting.is_published else []
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "axis": meeting.axis,
        "commission": meeting.commission.slug,
        "host_city": meeting.host_city.geonames_id if meeting.host_city else None,
        "starts_on": meeting.starts_on,
        "ends_on": meeting.ends_on,
        "time_zone": meeting.time_zone,
        "venue": meeting.venue,
        "online_url": meeting.online_url,
        "languages": meeting.languages,
        "registration_opens_at": meeting.registration_opens_at,
        "registration_closes_at": meeting.registration_closes_at,
        "capacity": meeting.capacity,
        "status": meeting.status,
        "grid_published_at": meeting.published_at,
        "sessions": [
            {
                "id": s.pk,
                "title": s.title,
                "description": s.description,
                "axis": s.axis,
                "language": s.language,
                "room": s.cell_room.name,
                "starts_at": s.cell_slot.starts_at,
                "ends_at": s.cell_slot.ends_at,
                "votes": s.vote_count,
            }
            for s in sessions
        ],
        "projects": [
            {
                "title": p.title,
                "description": p.methodology,
                "axis": p.axis,
                "session": p.source_session_id,
                "cities": [c.geonames_id for c in p.cities.all()],
            }
            for p in projects
        ],
    }


@router.get("/meetings", response=list[MeetingOut])
def list_meetings(request):
    """Working meetings (not drafts), newest first, with their published sessions and projects."""
    meetings = list(_meetings().order_by("-starts_on", "pk"))
    projects = project_queries.projects_by_meeting([m.pk for m in meetings])
    return [_meeting_out(m, projects.get(m.pk, [])) for m in meetings]


@router.get("/meetings/{slug}", response={200: MeetingOut, **errors(404, 422)})
def get_meeting(request, slug: Slug):
    meeting = get_object_or_404(_meetings(), slug=slug)
    projects = project_queries.projects_by_meeting([meeting.pk])
    return _meeting_out(meeting, projects.get(meeting.pk, []))


def _meetings():
    # Four queries whatever the number of meetings (and two for their projects).
    return (
        Meeting.objects.visible()
        .select_related("commission", "host_city")
        .prefetch_related(
            "rooms",
            "slots",
            Prefetch("topics", queryset=Topic.objects.annotate(vote_count=Count("votes"))),
        )
    )


@router.get("/meetings/{slug}/schedule.json", response={200: dict, **errors(404, 422)})
def meeting_schedule(request, slug: Slug):
    """The published grid in the frab/pretalx `schedule.json` layout."""
    meeting = get_object_or_404(Meeting.objects.visible(), slug=slug, published_at__isnull=False)
    return exports.frab_schedule(meeting)
