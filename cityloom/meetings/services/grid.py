"""The only bridge to the BarCamp engine: querysets → instance → engine → topic rows.

Engine ids are the database keys with a letter: topic `T12`, room `R3`, slot `S5`,
participant `P40`; the stored report uses the bare keys.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityloom.engines import barcamp
from cityloom.meetings import permissions
from cityloom.meetings.models import Meeting, Registration, Room, Slot, Topic, Vote

from .base import MeetingError, PermissionDenied, mail_person, record

log = logging.getLogger(__name__)

# A dropped topic costs 5 + 1 per vote and an overflowing seat costs 1: with the per-vote
# penalty at least the overflow weight, a voted topic always takes a free cell it may use.
WEIGHTS = barcamp.Weights(overflow=1.0, unscheduled=5.0, unscheduled_per_vote=1.0)


class Mode(models.TextChoices):
    BUILD = "build", gettext_lazy("build the grid")
    REOPTIMISE = "reoptimise", gettext_lazy("re-optimise around the pins")
    LATE = "late", gettext_lazy("late change: fewest moves from the published grid")
    MANUAL = "manual", gettext_lazy("sessions moved by hand")


def _key(engine_id: str) -> int:
    return int(engine_id[1:])


def engine_instance(meeting: Meeting) -> barcamp.Instance:
    """The meeting as the engine sees it: topics, voters and proposers, rooms, slots."""
    topics = list(meeting.topics.order_by("pk").values_list("pk", "proposer_id"))
    forbidden: dict[int, list[str]] = {}
    for topic_id, slot_id in Topic.unavailable_slots.through.objects.filter(
        topic__meeting=meeting
    ).values_list("topic_id", "slot_id"):
        forbidden.setdefault(topic_id, []).append(f"S{slot_id}")
    votes: dict[int, list[str]] = {}
    for person_id, topic_id in (
        Vote.objects.filter(topic__meeting=meeting)
        .order_by("pk")
        .values_list("person_id", "topic_id")
    ):
        votes.setdefault(person_id, []).append(f"T{topic_id}")
    people = sorted(set(votes) | {proposer for _pk, proposer in topics})
    return barcamp.Instance(
        topics=tuple(
            barcamp.Topic(f"T{pk}", (f"P{proposer}",), tuple(forbidden.get(pk, ())))
            for pk, proposer in topics
        ),
        participants=tuple(
            barcamp.Participant(f"P{pk}", tuple(votes.get(pk, ()))) for pk in people
        ),
        rooms=tuple(
            barcamp.Room(f"R{pk}", capacity)
            for pk, capacity in meeting.rooms.values_list("pk", "capacity")
        ),
        slots=tuple(f"S{pk}" for pk in meeting.slots.values_list("pk", flat=True)),
        weights=WEIGHTS,
        name=meeting.slug,
    )


def current_grid(meeting: Meeting) -> list[barcamp.Assignment]:
    rows = meeting.topics.filter(room__isnull=False).values_list("pk", "room_id", "slot_id")
    return [barcamp.Assignment(f"T{t}", f"R{r}", f"S{s}") for t, r, s in rows]


def published_grid(meeting: Meeting) -> list[barcamp.Assignment]:
    return [
        barcamp.Assignment(f"T{a['topic']}", f"R{a['room']}", f"S{a['slot']}")
        for a in meeting.published_grid
    ]


def _pins(meeting: Meeting) -> list[barcamp.Pin]:
    rows = meeting.topics.filter(is_pinned=True).values_list("pk", "slot_id", "room_id")
    return [barcamp.Pin(f"T{t}", f"S{s}", f"R{r}") for t, s, r in rows]


def _report_data(report: barcamp.Report, mode: str) -> dict:
    return {
        "mode": mode,
        "objective": report.objective,
        "satisfied_interests": report.satisfied_interests,
        "overflow_seats": report.overflow_seats,
        "clashes": [
            {
                "person": _key(c.participant),
                "slot": _key(c.slot),
                "topics": [_key(t) for t in c.topics],
            }
            for c in report.clashes
        ],
        "overflows": [
            {
                "topic": _key(o.topic),
                "room": _key(o.room),
                "demand": o.demand,
                "capacity": o.capacity,
                "excess": o.excess,
            }
            for o in report.overflows
        ],
        "unscheduled": [
            {"topic": _key(u.topic), "demand": u.demand, "reason": u.reason}
            for u in report.unscheduled
        ],
        "moved": [_key(t) for t in report.moved],
        "seconds": round(report.seconds, 3),
        "timed_out": report.timed_out,
    }


def _late_move_penalty(instance: barcamp.Instance) -> float:
    """A move costs more than any score one move could win: on the day, fewest moves first.

    One topic changes the objective by at most its votes (attendance), its overflow and its
    unscheduled penalty, each bounded by the votes of the meeting plus the fixed penalty.
    """
    votes = sum(len(p.votes) for p in instance.participants)
    w = instance.weights
    return float(votes * (1 + w.overflow + w.unscheduled_per_vote) + w.unscheduled + 1)


def _set_job(meeting: Meeting, job: str, **fields) -> None:
    # updated_at dates the job's last step: the reaper gives up only on jobs untouched for a lease.
    fields["updated_at"] = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(grid_job=job, **fields)
    meeting.grid_job = job
    for name, value in fields.items():
        setattr(meeting, name, value)


def request_grid(meeting: Meeting, *, by, mode: str = Mode.BUILD) -> None:
    """Queue the grid computation (`build`, `reoptimise` or `late`) as a background task."""
    from cityloom.meetings.tasks import optimise_grid_task

    if not permissions.can_manage_grid(by, meeting):
        raise PermissionDenied
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.is_grid_busy:
            raise MeetingError(_("The grid is already being computed."), code="busy")
        if mode == Mode.LATE and not locked.is_published:
            raise MeetingError(
                _("A late change needs a published grid to start from."), code="unpublished"
            )
        if not locked.rooms.exists() or not locked.slots.exists():
            raise MeetingError(
                _("A meeting needs at least one room and one time slot."), code="no_grid"
            )
        if not locked.topics.exists():
            raise MeetingError(_("No topic has been proposed yet."), code="no_topics")
        _set_job(meeting, Meeting.GridJob.QUEUED, grid_errors=[])
        record("meeting.grid_requested", meeting, actor=by, mode=mode)
        transaction.on_commit(
            lambda: optimise_grid_task.enqueue(meeting_id=meeting.pk, mode=mode, by_id=by.pk)
        )


def _fail(meeting: Meeting, code: str, problems=()) -> MeetingError:
    _set_job(
        meeting, Meeting.GridJob.FAILED, grid_errors=[{"code": code, "problems": list(problems)}]
    )
    return MeetingError(grid_error_message(code), code=code)


def grid_error_message(code: str) -> str:
    return {
        "infeasible": _(
            "The pinned sessions cannot all hold at once: two in one cell, one in a slot its "
            "proposer cannot make, or one proposer in two sessions at the same time."
        ),
        "instance": _("The meeting's data cannot be scheduled; see the details below."),
        "changed": _("The grid changed while it was computed; build it again."),
        "crashed": _(
            "The grid computation stopped on an unexpected error. It has been logged for the "
            "technical team; try again, and tell them if it happens again."
        ),
        "lost": _(
            "The grid computation was interrupted (its background worker stopped). "
            "Build the grid again."
        ),
    }.get(code, _("The grid could not be computed."))


def optimise_grid(
    meeting: Meeting,
    *,
    by,
    mode: str = Mode.BUILD,
    seed: int = barcamp.DEFAULT_SEED,
    time_limit: float | None = None,
) -> barcamp.Report:
    """Run the engine and store the grid; `late` moves as few sessions as it can.

    The job ends done or failed whatever happens: an unexpected error is logged with its
    traceback and stored as `crashed`, shown as a generic message.
    """
    if not permissions.can_manage_grid(by, meeting):
        raise PermissionDenied
    meeting.refresh_from_db()  # the published grid may be newer than the caller's copy
    _set_job(meeting, Meeting.GridJob.RUNNING)
    try:
        return _optimise(meeting, by=by, mode=mode, seed=seed, time_limit=time_limit)
    except MeetingError:
        raise
    except Exception as exc:
        log.exception("the grid of %s crashed", meeting.slug)
        raise _fail(meeting, "crashed") from exc


def _optimise(meeting: Meeting, *, by, mode: str, seed: int, time_limit) -> barcamp.Report:
    instance = engine_instance(meeting)
    previous = {
        Mode.BUILD: None,
        Mode.REOPTIMISE: current_grid(meeting),
        Mode.LATE: published_grid(meeting),
    }[mode]
    pins = _pins(meeting)
    move_penalty = _late_move_penalty(instance) if mode == Mode.LATE else None
    # The engine runs outside any transaction: nothing is locked for the seconds it takes.
    try:
        solution = barcamp.solve(
            instance,
            pins=pins,
            previous=previous,
            move_penalty=move_penalty,
            seed=seed,
            time_limit=time_limit,
        )
    except barcamp.InfeasibleError as exc:
        raise _fail(meeting, "infeasible", exc.problems) from exc
    except barcamp.BarcampError as exc:
        raise _fail(meeting, "instance", exc.problems) from exc
    try:
        with transaction.atomic():
            _store_grid(meeting, instance, solution, pins=pins, mode=mode, by=by)
    except IntegrityError as exc:
        raise _fail(meeting, "changed") from exc
    return solution.report


def run_grid_job(meeting_id: int, *, mode: str, by_id: int | None) -> str:
    """The background task's body: the meeting's queued grid job ends done or failed."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return "missing"
    by = get_user_model().objects.filter(pk=by_id).first()
    try:
        report = optimise_grid(meeting, by=by, mode=mode)
    except MeetingError as exc:  # stored on the meeting for the secretariat to read
        log.warning("grid of %s failed: %s", meeting.slug, exc.messages[0])
        return Meeting.GridJob.FAILED
    except Exception:
        # Before the engine started (the requester was removed, or lost the right): the job
        # must not stay queued, or the meeting would refuse every build, move and publish.
        log.exception("the grid job of %s could not start", meeting.slug)
        _fail(meeting, "crashed")
        return Meeting.GridJob.FAILED
    log.info("grid of %s: objective %s", meeting.slug, report.objective)
    return Meeting.GridJob.DONE


BUSY = (Meeting.GridJob.QUEUED, Meeting.GridJob.RUNNING)


def unfinished_grids(before) -> list[int]:
    """Meetings whose grid job is queued or running and has not moved since `before`."""
    return list(
        Meeting.objects.filter(grid_job__in=BUSY, updated_at__lt=before).values_list(
            "pk", flat=True
        )
    )


def abandon_grids(ids: list[int]) -> int:
    """Grid jobs no worker will finish (theirs died): failed, so the meeting is free again."""
    count = Meeting.objects.filter(pk__in=ids, grid_job__in=BUSY).update(
        grid_job=Meeting.GridJob.FAILED,
        grid_errors=[{"code": "lost", "problems": []}],
        updated_at=timezone.now(),
    )
    if count:
        log.warning("grid jobs of meetings %s: their worker stopped; marked failed", ids)
    return count


def _store_grid(meeting, instance, solution, *, pins, mode: str, by) -> None:
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    topic_ids = [_key(t.id) for t in instance.topics]
    if set(_pins(meeting)) != set(pins):
        raise IntegrityError("pins changed during the computation")
    # Empty the movable cells first so that no intermediate state breaks one-session-per-cell.
    Topic.objects.filter(pk__in=topic_ids, is_pinned=False).update(room=None, slot=None)
    pinned = set(meeting.topics.filter(is_pinned=True).values_list("pk", flat=True))
    placed = [
        Topic(pk=_key(a.topic), room_id=_key(a.room), slot_id=_key(a.slot))
        for a in solution.schedule
        if _key(a.topic) not in pinned
    ]
    Topic.objects.bulk_update(placed, ["room", "slot"])
    now = timezone.now()
    status = meeting.status
    if status in (Meeting.Status.DRAFT, Meeting.Status.OPEN):
        status = Meeting.Status.SCHEDULED
    _set_job(
        meeting,
        Meeting.GridJob.DONE,
        grid_report=_report_data(solution.report, mode),
        grid_built_at=now,
        grid_errors=[],
        status=status,
    )
    record("meeting.grid_built", meeting, actor=by, mode=mode, objective=solution.report.objective)


def _refresh_report(meeting: Meeting) -> None:
    """Score the grid as it now stands, after a move by hand; a broken grid is refused."""
    try:
        report = barcamp.evaluate(engine_instance(meeting), current_grid(meeting))
    except barcamp.BarcampError as exc:
        raise MeetingError(grid_error_message("infeasible"), code="infeasible") from exc
    _set_job(meeting, meeting.grid_job, grid_report=_report_data(report, Mode.MANUAL))


def _hosts_in_slot(topic: Topic, slot: Slot, *, ignoring: list[int]) -> bool:
    return (
        Topic.objects.filter(meeting_id=topic.meeting_id, slot=slot, proposer_id=topic.proposer_id)
        .exclude(pk__in=ignoring)
        .exists()
    )


def _fits(topic: Topic, slot: Slot, *, ignoring: list[int]) -> bool:
    return not topic.unavailable_slots.filter(pk=slot.pk).exists() and not _hosts_in_slot(
        topic, slot, ignoring=ignoring
    )


def move_session(topic: Topic, *, by, room: Room, slot: Slot) -> Topic | None:
    """Put `topic` in the cell (room, slot) and pin it there; its occupant takes the old cell.

    Returns the session that was in the cell, if any (moved to the old cell, or left out
    when it cannot go there).
    """
    meeting = topic.meeting
    if not permissions.can_manage_grid(by, meeting):
        raise PermissionDenied
    if room.meeting_id != meeting.pk or slot.meeting_id != meeting.pk:
        raise MeetingError(_("This cell is not in the meeting's grid."), code="cell")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_grid_busy:
            raise MeetingError(_("The grid is being computed; wait for it."), code="busy")
        topic = Topic.objects.select_related("proposer").get(pk=topic.pk)
        occupant = Topic.objects.filter(room=room, slot=slot).exclude(pk=topic.pk).first()
        if occupant is not None and occupant.is_pinned:
            raise MeetingError(
                _("“%(other)s” is pinned in this cell: unpin it first.") % {"other": occupant},
                code="pinned_cell",
            )
        if topic.unavailable_slots.filter(pk=slot.pk).exists():
            raise MeetingError(
                _("The proposer of “%(topic)s” cannot make this slot.") % {"topic": topic},
                code="forbidden_slot",
            )
        ignoring = [topic.pk] + ([occupant.pk] if occupant else [])
        if _hosts_in_slot(topic, slot, ignoring=ignoring):
            raise MeetingError(
                _("%(person)s already hosts another session in this slot.")
                % {"person": topic.proposer},
                code="proposer_clash",
            )
        old_room, old_slot = topic.room, topic.slot
        if occupant is not None:
            occupant.room = occupant.slot = None
            occupant.save(update_fields=["room", "slot", "updated_at"])
        topic.room, topic.slot, topic.is_pinned = room, slot, True
        topic.save(update_fields=["room", "slot", "is_pinned", "updated_at"])
        if (
            occupant is not None
            and old_slot is not None
            and _fits(occupant, old_slot, ignoring=[occupant.pk])
        ):
            occupant.room, occupant.slot = old_room, old_slot
            occupant.save(update_fields=["room", "slot", "updated_at"])
        _refresh_report(meeting)
        record("meeting.session_moved", topic, actor=by, room=room.pk, slot=slot.pk)
    return occupant


def set_pin(topic: Topic, *, by, pinned: bool) -> Topic:
    """Pin a session to its cell (re-optimising keeps it there), or release it."""
    if not permissions.can_manage_grid(by, topic.meeting):
        raise PermissionDenied
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        if pinned and not topic.is_scheduled:
            raise MeetingError(
                _("Place the session in the grid before pinning it."), code="not_scheduled"
            )
        topic.is_pinned = pinned
        topic.save(update_fields=["is_pinned", "updated_at"])
        record("meeting.session_pinned" if pinned else "meeting.session_unpinned", topic, actor=by)
    return topic


def publish_grid(meeting: Meeting, *, by, notify: bool = True) -> Meeting:
    """Make the current grid the public one and tell the participants (unless `notify` is off)."""
    if not permissions.can_manage_grid(by, meeting):
        raise PermissionDenied
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_grid_busy:
            raise MeetingError(_("The grid is being computed; wait for it."), code="busy")
        cells = list(
            meeting.topics.filter(room__isnull=False)
            .order_by("slot__starts_at", "room__position", "room_id")
            .values("pk", "room_id", "slot_id")
        )
        if not cells:
            raise MeetingError(_("Build the grid before publishing it."), code="no_grid")
        again = meeting.is_published
        meeting.published_grid = [
            {"topic": c["pk"], "room": c["room_id"], "slot": c["slot_id"]} for c in cells
        ]
        meeting.published_at = timezone.now()
        meeting.status = Meeting.Status.PUBLISHED
        meeting.save(update_fields=["published_grid", "published_at", "status", "updated_at"])
        record("meeting.grid_published", meeting, actor=by, sessions=len(cells))
        participants = Registration.objects.confirmed().filter(meeting=meeting)
        for registration in participants.select_related("person") if notify else ():
            mail_person(registration.person, meeting, "grid_changed" if again else "grid_published")
    return meeting


def has_unpublished_changes(meeting: Meeting) -> bool:
    return meeting.is_published and set(current_grid(meeting)) != set(published_grid(meeting))
