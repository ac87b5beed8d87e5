"""Public API: build the session grid of a Mini BarCamp, or score one.

The meetings app calls :func:`solve` with plain data (see ``model``) and stores the
returned schedule; :func:`evaluate` scores a grid edited by hand with the same report.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce

import numpy as np
import numpy.typing as npt

from .arrays import Arrays, IntArray, compile_instance
from .construct import keep_previous, place_greedily
from .errors import InfeasibleError, InstanceError, ScheduleError
from .model import Assignment, Instance, Pin, validate_instance
from .objective import objective_parts, slot_counts, violations
from .search import Grid, Schedule, anneal, descend

DEFAULT_SEED = 20240611

# Reasons a voted topic is left out, from the final grid's point of view.
NO_VOTES = "no_votes"
NO_FREE_CELL = "no_free_cell"
FORBIDDEN_SLOTS = "forbidden_slots"
PROPOSER_CLASH = "proposer_clash"
NOT_WORTH_IT = "lowers_objective"

LOST = -1  # previous cell of a topic whose room or slot was removed since


@dataclass(frozen=True)
class Clash:
    """A participant with several voted topics in one slot (they can attend one)."""

    participant: str
    slot: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Overflow:
    """A session with more voters than seats."""

    topic: str
    room: str
    slot: str
    demand: int
    capacity: int
    excess: int


@dataclass(frozen=True)
class LeftOut:
    """An unscheduled topic and why (one of the module's reason constants)."""

    topic: str
    demand: int
    reason: str


@dataclass(frozen=True)
class Report:
    """The objective, its parts, and what a programme committee should look at."""

    objective: float
    satisfied_interests: int
    overflow_seats: int
    overflow_penalty: float
    unscheduled_penalty: float
    clashes: tuple[Clash, ...]
    overflows: tuple[Overflow, ...]
    unscheduled: tuple[LeftOut, ...]
    moved: tuple[str, ...] = ()  # topics whose cell differs from the previous grid
    withdrawn: tuple[str, ...] = ()  # topics of the previous grid absent from the instance
    seed: int | None = None
    iterations: int = 0
    seconds: float = 0.0
    timed_out: bool = False  # the clock, not the iteration budget, ended the search


@dataclass(frozen=True)
class Solution:
    schedule: tuple[Assignment, ...]
    report: Report


def default_time_limit(n_topics: int) -> float:
    """Seconds allowed by default: 1.6 up to ~46 topics, ~9 at 120, ~27 at 300, 60 at most."""
    return float(min(60.0, max(1.6, 0.1 * n_topics - 3.0)))


def _iterations(arrays: Arrays, effort: float) -> int:
    # Each step moves one topic and costs more as the instance grows, so the budget
    # grows a little faster than the topic count. Tuned on the generator's presets so
    # that, on an idle 2-core machine, the budget (not the clock) ends a default run:
    # ~15k steps at 45 topics (~1 s), ~55k at 120 (~4 s), ~185k at 300 (~16 s).
    n_t = max(arrays.n_topics, 1)
    return max(1500, int(effort * 15000 * (n_t / 45) ** 1.33))


# --- resolving ids ---------------------------------------------------------------------


def _index(ids: Sequence[str]) -> dict[str, int]:
    return {x: i for i, x in enumerate(ids)}


def _pin_cells(arrays: Arrays, pins: Sequence[Pin]) -> tuple[IntArray, IntArray]:
    """(pinned cell or -1, pinned slot or -1) per topic; raises InfeasibleError."""
    n_t, n_r = arrays.n_topics, arrays.n_rooms
    t_ix, r_ix, s_ix = (
        _index(arrays.topic_ids),
        _index(arrays.room_ids),
        _index(arrays.slot_ids),
    )
    cell = np.full(n_t, -1, dtype=np.intp)
    slot = np.full(n_t, -1, dtype=np.intp)
    problems: list[str] = []
    seen: set[int] = set()
    for pin in pins:
        bad = [
            f"pin of {pin.topic}: unknown {kind} {value}"
            for kind, value, table in (
                ("topic", pin.topic, t_ix),
                ("slot", pin.slot, s_ix),
                ("room", pin.room, r_ix),
            )
            if value is not None and value not in table
        ]
        if bad:
            problems += bad
            continue
        t, s = t_ix[pin.topic], s_ix[pin.slot]
        if t in seen:
            problems.append(f"topic {pin.topic} is pinned twice")
            continue
        seen.add(t)
        slot[t] = s
        if pin.room is not None:
            cell[t] = s * n_r + r_ix[pin.room]
        if not arrays.allowed[t, s]:
            problems.append(f"topic {pin.topic} is pinned to its forbidden slot {pin.slot}")
    for c in np.unique(cell[cell >= 0]):
        held = np.flatnonzero(cell == c)
        if held.size > 1:
            names = ", ".join(arrays.topic_ids[t] for t in held)
            problems.append(
                f"topics {names} are pinned to the same cell "
                f"{arrays.room_ids[c % n_r]}/{arrays.slot_ids[c // n_r]}"
            )
    for s in range(arrays.n_slots):
        held = np.flatnonzero(slot == s)
        if held.size > n_r:
            problems.append(
                f"{held.size} topics are pinned to slot {arrays.slot_ids[s]}, which has {n_r} rooms"
            )
        hosts: dict[int, int] = {}
        for t in held:
            for p in arrays.proposers[t]:
                other = hosts.setdefault(int(p), int(t))
                if other != t:
                    problems.append(
                        f"topics {arrays.topic_ids[other]} and {arrays.topic_ids[t]} share a "
                        f"proposer and are both pinned to slot {arrays.slot_ids[s]}"
                    )
    if problems:
        raise InfeasibleError(problems)
    return cell, slot


def _schedule_cells(
    arrays: Arrays, schedule: Sequence[Assignment], *, what: str, lenient: bool
) -> tuple[IntArray, list[str]]:
    """(T,) cell per topic of a schedule, ``n_cells`` when absent; and withdrawn topics.

    In a previous grid, a topic whose room or slot no longer exists gets ``LOST``.

    ``lenient`` (a previous grid) lets topics, rooms and slots have disappeared since;
    otherwise an unknown id is an error. Duplicates are always errors.
    """
    n_r = arrays.n_rooms
    t_ix, r_ix, s_ix = (
        _index(arrays.topic_ids),
        _index(arrays.room_ids),
        _index(arrays.slot_ids),
    )
    cell = np.full(arrays.n_topics, arrays.n_cells, dtype=np.intp)
    problems: list[str] = []
    withdrawn: list[str] = []
    seen_topics: set[str] = set()
    seen_cells: set[tuple[str, str]] = set()
    for a in schedule:
        if a.topic in seen_topics:
            problems.append(f"{what}: topic {a.topic} appears twice")
        if (a.room, a.slot) in seen_cells:
            problems.append(f"{what}: cell {a.room}/{a.slot} holds two topics")
        seen_topics.add(a.topic)
        seen_cells.add((a.room, a.slot))
        if a.topic not in t_ix:
            if lenient:
                withdrawn.append(a.topic)
            else:
                problems.append(f"{what}: unknown topic {a.topic}")
            continue
        if a.room in r_ix and a.slot in s_ix:
            cell[t_ix[a.topic]] = s_ix[a.slot] * n_r + r_ix[a.room]
        elif lenient:
            cell[t_ix[a.topic]] = LOST  # its room or slot is gone: it moves whatever we do
        else:
            problems.append(f"{what}: topic {a.topic} is in unknown cell {a.room}/{a.slot}")
    if problems:
        raise ScheduleError(problems)
    return cell, withdrawn


def _granularity(instance: Instance) -> float:
    """Largest g such that every objective value is a multiple of g (1 for integer weights)."""
    w = instance.weights
    parts = [Fraction(1)] + [
        Fraction(x).limit_denominator(10**6)
        for x in (w.overflow, w.unscheduled, w.unscheduled_per_vote)
    ]
    num = reduce(math.gcd, (p.numerator for p in parts))
    den = reduce(math.lcm, (p.denominator for p in parts))
    return float(Fraction(num, den))


# --- report ----------------------------------------------------------------------------


def _report(
    arrays: Arrays,
    topic_cell: IntArray,
    *,
    previous_cell: IntArray | None,
    withdrawn: Sequence[str],
) -> Report:
    n_r, n_s, n_cells = arrays.n_rooms, arrays.n_slots, arrays.n_cells
    parts = objective_parts(arrays, topic_cell)
    on = topic_cell < n_cells
    slot = np.where(on, topic_cell // n_r, n_s)
    room = np.where(on, topic_cell % n_r, n_r)

    counts = slot_counts(arrays, topic_cell)
    clashes = []
    for u, s in zip(*np.nonzero(counts > 1), strict=True):
        voted = [
            arrays.topic_ids[t]
            for t in arrays.vote_topic[arrays.vote_participant == u]
            if slot[t] == s
        ]
        clashes.append(Clash(arrays.participant_ids[u], arrays.slot_ids[s], tuple(sorted(voted))))

    overflows = [
        Overflow(
            topic=arrays.topic_ids[t],
            room=arrays.room_ids[room[t]],
            slot=arrays.slot_ids[slot[t]],
            demand=int(arrays.demand[t]),
            capacity=int(arrays.capacity[room[t]]),
            excess=int(arrays.excess[t, room[t]]),
        )
        for t in np.flatnonzero(on)
        if arrays.excess[t, room[t]] > 0
    ]

    free = np.ones(n_cells, dtype=bool)
    free[topic_cell[on]] = False
    free_slots = np.unique(np.flatnonzero(free) // n_r)
    busy_hosts = {(int(p), int(slot[t])) for t in np.flatnonzero(on) for p in arrays.proposers[t]}
    left_out = []
    for t in np.flatnonzero(~on):
        if arrays.demand[t] == 0:
            reason = NO_VOTES
        elif free_slots.size == 0:
            reason = NO_FREE_CELL
        else:
            usable = [s for s in free_slots if arrays.allowed[t, s]]
            if not usable:
                reason = FORBIDDEN_SLOTS
            elif all(any((int(p), s) in busy_hosts for p in arrays.proposers[t]) for s in usable):
                reason = PROPOSER_CLASH
            else:
                reason = NOT_WORTH_IT
        left_out.append(LeftOut(arrays.topic_ids[t], int(arrays.demand[t]), reason))

    moved: tuple[str, ...] = ()
    if previous_cell is not None:
        # Dropped from the grid counts as moved; so does any topic whose cell was lost.
        was = previous_cell != n_cells
        changed = was & (topic_cell != previous_cell)
        moved = tuple(arrays.topic_ids[t] for t in np.flatnonzero(changed))
    return Report(
        objective=parts.objective,
        satisfied_interests=parts.satisfied_interests,
        overflow_seats=parts.overflow_seats,
        overflow_penalty=parts.overflow_penalty,
        unscheduled_penalty=parts.unscheduled_penalty,
        clashes=tuple(clashes),
        overflows=tuple(overflows),
        unscheduled=tuple(left_out),
        moved=moved,
        withdrawn=tuple(withdrawn),
    )


def _assignments(arrays: Arrays, topic_cell: IntArray) -> tuple[Assignment, ...]:
    n_r = arrays.n_rooms
    order = sorted(np.flatnonzero(topic_cell < arrays.n_cells), key=lambda t: topic_cell[t])
    return tuple(
        Assignment(
            arrays.topic_ids[t],
            arrays.room_ids[topic_cell[t] % n_r],
            arrays.slot_ids[topic_cell[t] // n_r],
        )
        for t in order
    )


# --- entry points ----------------------------------------------------------------------


def _checked(instance: Instance) -> Arrays:
    problems = validate_instance(instance)
    if problems:
        raise InstanceError(problems)
    return compile_instance(instance)


def evaluate(
    instance: Instance,
    schedule: Sequence[Assignment],
    *,
    previous: Sequence[Assignment] | None = None,
) -> Report:
    """Report of a given grid; raises ScheduleError (bad ids) or InfeasibleError."""
    arrays = _checked(instance)
    cell, _ = _schedule_cells(arrays, schedule, what="schedule", lenient=False)
    problems = violations(arrays, cell)
    if problems:
        raise InfeasibleError(problems)
    previous_cell, withdrawn = (None, [])
    if previous is not None:
        previous_cell, withdrawn = _schedule_cells(
            arrays, previous, what="previous schedule", lenient=True
        )
    return _report(arrays, cell, previous_cell=previous_cell, withdrawn=withdrawn)


def solve(
    instance: Instance,
    *,
    pins: Sequence[Pin] = (),
    previous: Sequence[Assignment] | None = None,
    move_penalty: float | None = None,
    seed: int = DEFAULT_SEED,
    time_limit: float | None = None,
    effort: float = 1.0,
    iterations: int | None = None,
) -> Solution:
    """Best grid found for ``instance``, honouring ``pins``.

    With ``previous`` (the published grid), each topic moved from its previous cell
    costs ``move_penalty`` objective points; ``move_penalty=None`` ranks grids by
    objective first and by fewest moves second. ``effort`` scales the iteration
    budget; the result depends only on ``seed`` and ``effort`` unless ``time_limit``
    (seconds, default by size) cuts the search short (then ``report.timed_out``).
    ``iterations`` replaces both: exactly that many annealing steps and no clock at
    all, so the grid depends only on ``seed`` and ``iterations``, however loaded the
    machine (tests and reproducible runs; production keeps the time limit).
    Raises InstanceError, ScheduleError or InfeasibleError with one line per problem.
    """
    started = time.perf_counter()
    arrays = _checked(instance)
    if iterations is not None:
        if time_limit is not None:
            raise ScheduleError(["give an iteration budget or a time limit, not both"])
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
            raise ScheduleError(
                [f"the iteration budget must be a whole number >= 1, got {iterations}"]
            )
    elif time_limit is None:
        time_limit = default_time_limit(arrays.n_topics)
    if time_limit is not None and not (time_limit > 0 and math.isfinite(time_limit)):
        raise ScheduleError([f"the time limit must be a positive number, got {time_limit}"])
    if move_penalty is not None and not (move_penalty >= 0 and math.isfinite(move_penalty)):
        raise ScheduleError([f"the move penalty must be a number >= 0, got {move_penalty}"])
    pin_cell, pin_slot = _pin_cells(arrays, pins)
    n_t, n_cells = arrays.n_topics, arrays.n_cells

    previous_cell: IntArray | None = None
    withdrawn: list[str] = []
    move_cost = None
    if previous is not None:
        previous_cell, withdrawn = _schedule_cells(
            arrays, previous, what="previous schedule", lenient=True
        )
        # Lexicographic: the whole move penalty stays below one objective step.
        unit = move_penalty if move_penalty is not None else _granularity(instance) / (2 * n_t + 2)
        move_cost = np.zeros((n_t, n_cells + 1))
        had = np.flatnonzero((previous_cell >= 0) & (previous_cell < n_cells))
        move_cost[had] = unit
        move_cost[had, previous_cell[had]] = 0.0

    allowed = arrays.allowed.copy()
    for t in np.flatnonzero(pin_slot >= 0):
        allowed[t] = False
        allowed[t, pin_slot[t]] = True
    start_cell = np.full(n_t, n_cells, dtype=np.intp)
    grid = Grid(
        arrays,
        start_cell,
        movable=pin_cell < 0,
        allowed=allowed,
        move_cost=move_cost,
    )
    for t in np.flatnonzero(pin_cell >= 0):
        grid.move(int(t), int(pin_cell[t]))
    by_demand = np.argsort(-arrays.demand, kind="stable")
    # Slot-pinned topics first, while their slot still has a free room.
    slot_pinned = by_demand[(pin_slot[by_demand] >= 0) & (pin_cell[by_demand] < 0)]
    place_greedily(grid, slot_pinned, zero_gain=True, force=True)
    if previous_cell is not None:
        keep_previous(grid, previous_cell)
    place_greedily(grid, by_demand)

    rng = np.random.default_rng(seed)
    score = objective_parts(arrays, grid.topic_cell).objective - grid.score_offset()
    seconds: float | None = None
    deadline: float | None = None
    if time_limit is not None:
        seconds = max(time_limit * 0.8 - (time.perf_counter() - started), 0.01)
        deadline = started + time_limit * 0.95
    budget = iterations if iterations is not None else _iterations(arrays, effort)
    if previous_cell is not None:
        # Re-planning starts from a good grid: a hot start would only scatter it.
        schedule = Schedule(budget, seconds, 0.6, 0.1)
    else:
        schedule = Schedule(budget, seconds, 1.3, 0.3)
    outcome = anneal(grid, score, schedule, rng)
    # Topics nobody voted for take free cells at no cost: their proposers still get a session.
    place_greedily(grid, by_demand[arrays.demand[by_demand] == 0], zero_gain=True)
    descend(grid, np.flatnonzero(grid.movable[:n_t]), deadline=deadline)

    cell = grid.topic_cell
    problems = violations(arrays, cell)
    if problems:  # a bug, not a user error: never hand out a broken grid
        raise AssertionError(problems)
    report = dataclasses.replace(
        _report(arrays, cell, previous_cell=previous_cell, withdrawn=withdrawn),
        seed=seed,
        iterations=outcome.iterations,
        seconds=time.perf_counter() - started,
        timed_out=outcome.timed_out,
    )
    return Solution(_assignments(arrays, cell), report)


def as_arrays(instance: Instance) -> Arrays:
    """Compiled index arrays of a validated instance (for tests and benchmarks)."""
    return _checked(instance)


def topic_cells(arrays: Arrays, schedule: Sequence[Assignment]) -> npt.NDArray[np.intp]:
    """(T,) cell index per topic of a schedule, ``n_cells`` for unscheduled topics."""
    return _schedule_cells(arrays, schedule, what="schedule", lenient=False)[0]
