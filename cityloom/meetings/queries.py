"""Reads shared by the pages, the API, the exports and the meeting report."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.engines.barcamp import scheduler
from cityloom.network import queries as network_queries
from cityloom.projects import queries as project_queries

from . import permissions
from .models import Meeting, Registration, Room, Slot, Topic, Vote

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
    """The collaboration projects identified at the meeting (they live in the projects app)."""
    return project_queries.projects_of_meeting(meeting)


def session_projects(topic: Topic):
    return project_queries.projects_of_session(topic)


def grids_to_run(user) -> list[Meeting]:
    """Meetings of `user`'s secretariat whose grid is to build (registration closed, grid not
    built) or to publish (built, not published), oldest first, with `topic_count`."""
    now = timezone.now()
    return list(
        Meeting.objects.filter(commission__in=permissions.secretariat_commissions(user))
        .filter(
            Q(status=Meeting.Status.OPEN, registration_closes_at__lte=now)
            | Q(status=Meeting.Status.SCHEDULED)
        )
        .annotate(topic_count=Count("topics"))
        .order_by("starts_on", "pk")
    )


def open_for_registration(user) -> list[Meeting]:
    """Meetings of the commissions `user`'s city belongs to whose registration is open now and
    that `user` has not registered for, soonest first."""
    if not user.city_id:
        return []
    now = timezone.now()
    mine = Registration.objects.filter(meeting=OuterRef("pk"), person=user).exclude(
        status=Registration.Status.CANCELLED
    )
    commissions = network_queries.active_commissions_of(user.city)
    return list(
        Meeting.objects.visible()
        .filter(
            commission__in=commissions,
            registration_opens_at__lte=now,
            registration_closes_at__gt=now,
        )
        .exclude(Exists(mine))
        .order_by("registration_closes_at", "pk")
    )


def registrations_to_follow(user) -> list[Registration]:
    """`user`'s registrations (seat or waiting list) to meetings not over or still taking votes,
    with `to_vote` (topics of others they have not voted for, while votes are open) and
    `to_vote_since` (the oldest of those topics)."""
    today = timezone.localdate()
    unvoted = (
        Topic.objects.filter(meeting=OuterRef("meeting"))
        .exclude(proposer=user)
        .exclude(Exists(Vote.objects.filter(topic=OuterRef("pk"), person=user)))
        .order_by()
        .values("meeting")
    )
    return list(
        Registration.objects.filter(
            person=user,
            status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
        )
        .filter(Q(meeting__ends_on__gte=today) | Q(meeting__status=Meeting.Status.OPEN))
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .select_related("meeting")
        .annotate(
            to_vote=Subquery(unvoted.annotate(n=Count("pk")).values("n")[:1]),
            to_vote_since=Subquery(unvoted.annotate(m=Min("created_at")).values("m")[:1]),
        )
        .order_by("meeting__starts_on", "pk")
    )


def participant_count(meeting: Meeting) -> int:
    """People registered with a seat (those e-mailed when the grid is published)."""
    return Registration.objects.confirmed().filter(meeting=meeting).count()


def _with_report_counts(meetings):
    return meetings.select_related("host_city").annotate(
        participant_count=Count(
            "registrations",
            filter=Q(registrations__status=Registration.Status.REGISTERED),
            distinct=True,
        ),
        session_count=Count("topics", filter=Q(topics__slot__isnull=False), distinct=True),
    )


def meetings_in(commission, year: int) -> list[Meeting]:
    """The commission's meetings held in `year` (drafts left out), with `participant_count`,
    `session_count` and `identified_projects` (the projects identified there): three queries."""
    meetings = list(
        _with_report_counts(
            Meeting.objects.filter(commission=commission, starts_on__year=year).exclude(
                status=Meeting.Status.DRAFT
            )
        ).order_by("starts_on", "pk")
    )
    projects = project_queries.projects_by_meeting([m.pk for m in meetings]) if meetings else {}
    for meeting in meetings:
        meeting.identified_projects = projects.get(meeting.pk, [])
    return meetings


def meetings_planned_after(commission, year: int) -> list[Meeting]:
    """The meetings that, at the end of `year`, were planned for later: recorded by 31 December
    (drafts left out) and held after it, with their host city."""
    import datetime as dt

    end = dt.date(year, 12, 31)
    return list(
        Meeting.objects.filter(commission=commission, created_at__date__lte=end, starts_on__gt=end)
        .exclude(status=Meeting.Status.DRAFT)
        .select_related("host_city")
        .order_by("starts_on", "pk")
    )
