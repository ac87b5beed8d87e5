"""Reads shared by the pages, the API, the exports and the meeting report."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from cityloom.engines.barcamp import scheduler

from . import permissions
from .models import Meeting, ProjectProposal, Registration, Room, Slot, Topic, Vote

User = get_user_model()


def meeting_list(user):
    """Meetings the user may see, newest first, with seats taken and topics proposed."""
    meetings = Meeting.objects.select_related("host_city", "commission")
    if not user.is_authenticated or not permissions.can_create_meeting(user):
        meetings = meetings.visible()
    else:
        mine = permissions.secretariat_commissions(user)
        meetings = meetings.filter(~Q(status=Meeting.Status.DRAFT) | Q(commission__in=mine))
    return meetings.annotate(
        seats_taken=Count(
            "registrations",
            filter=Q(registrations__status=Registration.Status.REGISTERED),
            distinct=True,
        ),
        topic_count=Count("topics", distinct=True),
    ).order_by("-starts_on", "title")


def registration_of(user, meeting: Meeting) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(meeting=meeting, person=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def topics_with_votes(meeting: Meeting, user=None):
    """Topics with `vote_count` and, for `user`, `has_voted`; most voted first."""
    topics = (
        meeting.topics.select_related("proposer__city", "room", "slot")
        .prefetch_related(
            Prefetch("unavailable_slots", queryset=Slot.objects.order_by("starts_at"))
        )
        .annotate(vote_count=Count("votes", distinct=True))
    )
    if user is not None and user.is_authenticated:
        topics = topics.annotate(
            has_voted=Exists(Vote.objects.filter(topic=OuterRef("pk"), person=user))
        )
    return topics.order_by("-vote_count", "created_at", "pk")


@dataclass
class Grid:
    rooms: list[Room]
    rows: list[tuple[Slot, list[Topic | None]]]
    sessions: list[Topic] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.sessions


def grid(meeting: Meeting, *, published: bool = True) -> Grid:
    """Slots by rooms with the session of each cell: the published grid or the working one."""
    return grid_from(
        meeting,
        rooms=list(meeting.rooms.all()),
        slots=list(meeting.slots.all()),
        topics=list(topics_with_votes(meeting)),
        published=published,
    )


def grid_from(meeting: Meeting, *, rooms, slots, topics, published: bool = True) -> Grid:
    """The grid from rows already read (the API prefetches them for many meetings at once)."""
    for slot in slots:
        slot.meeting = meeting  # the slot's label is in the meeting's time zone
    by_pk = {t.pk: t for t in topics}
    if published:
        cells = {(a["room"], a["slot"]): a["topic"] for a in meeting.published_grid}
    else:
        cells = {(t.room_id, t.slot_id): t.pk for t in topics if t.room_id}
    room_of = {r.pk: r for r in rooms}
    slot_of = {s.pk: s for s in slots}
    sessions = []
    for (room_id, slot_id), topic_id in cells.items():
        topic = by_pk.get(topic_id)
        if topic is None or room_id not in room_of or slot_id not in slot_of:
            continue  # a withdrawn topic or a removed room: the cell shows free
        topic.cell_room, topic.cell_slot = room_of[room_id], slot_of[slot_id]
        sessions.append(topic)
    by_cell = {(t.cell_room.pk, t.cell_slot.pk): t for t in sessions}
    rows = [(slot, [by_cell.get((room.pk, slot.pk)) for room in rooms]) for slot in slots]
    sessions.sort(key=lambda t: (t.cell_slot.starts_at, t.cell_room.position, t.cell_room.pk))
    return Grid(rooms=rooms, rows=rows, sessions=sessions)


def published_session(meeting: Meeting, topic_id: int) -> Topic | None:
    """The topic as a session of the published grid (with `cell_room`, `cell_slot`), or None."""
    for session in grid(meeting).sessions:
        if session.pk == topic_id:
            return session
    return None


def leave_out_reason(code: str) -> str:
    return {
        scheduler.NO_VOTES: _("nobody voted for it"),
        scheduler.NO_FREE_CELL: _("every cell holds a session with more votes"),
        scheduler.FORBIDDEN_SLOTS: _("the free cells are in slots its proposer cannot make"),
        scheduler.PROPOSER_CLASH: _(
            "its proposer hosts another session in every slot with a free cell"
        ),
        scheduler.NOT_WORTH_IT: _("placing it would lower the score"),
    }.get(code, code)


def grid_report(meeting: Meeting) -> dict | None:
    """The last computation's report with ids resolved to topics, rooms, slots and people."""
    data = meeting.grid_report
    if not data:
        return None
    topics = {t.pk: t for t in meeting.topics.all()}
    rooms = {r.pk: r for r in meeting.rooms.all()}
    slots = {s.pk: s for s in meeting.slots.all()}
    for slot in slots.values():
        slot.meeting = meeting
    people = User.objects.in_bulk({c["person"] for c in data["clashes"]})
    return {
        **data,
        "clashes": [
            {
                "person": people.get(c["person"]),
                "slot": slots.get(c["slot"]),
                "topics": [topics[t] for t in c["topics"] if t in topics],
            }
            for c in data["clashes"]
        ],
        "overflows": [
            {**o, "topic": topics.get(o["topic"]), "room": rooms.get(o["room"])}
            for o in data["overflows"]
        ],
        "unscheduled": [
            {**u, "topic": topics.get(u["topic"]), "why": leave_out_reason(u["reason"])}
            for u in data["unscheduled"]
            if u["topic"] in topics
        ],
        "moved": [topics[t] for t in data["moved"] if t in topics],
    }


def session_participants(topic: Topic):
    """People who voted for the session, with their city."""
    return (
        User.objects.filter(meeting_votes__topic=topic)
        .select_related("city")
        .order_by("city__name", "name", "email")
    )


def participants_by_city(meeting: Meeting) -> list[tuple[str, list]]:
    people = (
        User.objects.filter(
            meeting_registrations__meeting=meeting,
            meeting_registrations__status=Registration.Status.REGISTERED,
        )
        .select_related("city")
        .order_by("city__name", "name", "email")
    )
    grouped: dict[str, list] = {}
    for person in people:
        grouped.setdefault(person.city.name if person.city else _("No city"), []).append(person)
    return list(grouped.items())


def projects(meeting: Meeting):
    return (
        ProjectProposal.objects.filter(meeting=meeting)
        .select_related("topic")
        .prefetch_related("cities")
        .order_by("created_at", "pk")
    )
