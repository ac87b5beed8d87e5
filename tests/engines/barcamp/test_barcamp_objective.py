"""The objective and the report, computed by hand on a six-topic meeting."""

from __future__ import annotations

import numpy as np
import pytest

from cityloom.engines.barcamp import (
    Assignment,
    InfeasibleError,
    Instance,
    InstanceError,
    Participant,
    Room,
    ScheduleError,
    Topic,
    Weights,
    evaluate,
    instance_from_dict,
)
from cityloom.engines.barcamp.arrays import compile_instance
from cityloom.engines.barcamp.objective import objective_parts, violations

# Two rooms (2 and 1 seats), two slots. P1 proposes A, B and F; D may use neither slot;
# E has no vote.
HAND = Instance(
    topics=(
        Topic("A", ("P1",)),
        Topic("B", ("P1",)),
        Topic("C", ("P2",)),
        Topic("D", ("P3",), ("S1", "S2")),
        Topic("E", ("P4",)),
        Topic("F", ("P1",)),
    ),
    participants=(
        Participant("P1", ("A", "C")),
        Participant("P2", ("A", "B", "C")),
        Participant("P3", ("B", "F")),
        Participant("P4", ("A", "B", "D")),
    ),
    rooms=(Room("R1", 2), Room("R2", 1)),
    slots=("S1", "S2"),
    weights=Weights(overflow=2.0, unscheduled=5.0, unscheduled_per_vote=1.0),
)
GRID = (Assignment("A", "R1", "S1"), Assignment("C", "R2", "S1"), Assignment("B", "R1", "S2"))


def test_objective_parts_by_hand() -> None:
    report = evaluate(HAND, GRID)
    # Slots covered: P1 {S1}, P2 {S1, S2}, P3 {S2}, P4 {S1, S2}.
    assert report.satisfied_interests == 1 + 2 + 1 + 2
    # Demands A 3, C 2, B 3 in rooms of 2, 1 and 2 seats.
    assert report.overflow_seats == (3 - 2) + (2 - 1) + (3 - 2)
    assert report.overflow_penalty == 2.0 * ((3 - 2) + (2 - 1) + (3 - 2))
    # D (1 vote) and F (1 vote) are left out; E has no vote and costs nothing.
    assert report.unscheduled_penalty == (5 + 1 * 1) + (5 + 1 * 1)
    assert report.objective == (1 + 2 + 1 + 2) - 2.0 * 3 - 12


def test_report_lists_clashes_overflows_and_reasons() -> None:
    report = evaluate(HAND, GRID)
    assert [(c.participant, c.slot, c.topics) for c in report.clashes] == [
        ("P1", "S1", ("A", "C")),
        ("P2", "S1", ("A", "C")),
    ]
    assert [(o.topic, o.room, o.excess) for o in report.overflows] == [
        ("A", "R1", 1),
        ("B", "R1", 1),
        ("C", "R2", 1),
    ]
    # The one free cell is R2/S2: D may not use S2, F's proposer hosts B there.
    assert [(x.topic, x.demand, x.reason) for x in report.unscheduled] == [
        ("D", 1, "forbidden_slots"),
        ("E", 0, "no_votes"),
        ("F", 1, "proposer_clash"),
    ]


def test_objective_of_empty_grid_is_minus_every_voted_penalty() -> None:
    arrays = compile_instance(HAND)
    parts = objective_parts(arrays, np.full(arrays.n_topics, arrays.n_cells))
    assert parts.satisfied_interests == 0
    # Demands A 3, B 3, C 2, D 1, E 0, F 1.
    assert parts.objective == -((5 + 3) + (5 + 3) + (5 + 2) + (5 + 1) + 0 + (5 + 1))


def test_missing_per_vote_weight_means_zero() -> None:
    data = {
        "weights": {"overflow": 1, "unscheduled": 5},
        "slots": [{"id": "S1"}],
        "rooms": [{"id": "R1", "capacity": 1}],
        "topics": [{"id": "A", "proposers": ["P1"]}],
        "participants": [{"id": "P1", "votes": ["A"]}, {"id": "P2", "votes": ["A"]}],
    }
    instance = instance_from_dict(data)
    assert instance.weights == Weights(1.0, 5.0, 0.0)
    assert evaluate(instance, ()).unscheduled_penalty == 5 + 0 * 2


@pytest.mark.parametrize(
    ("grid", "problem"),
    [
        (
            (Assignment("A", "R1", "S1"), Assignment("C", "R1", "S1")),
            "cell R1/S1 holds several topics: A, C",
        ),
        ((Assignment("D", "R1", "S2"),), "topic D is in forbidden slot S2"),
        (
            (Assignment("A", "R1", "S1"), Assignment("F", "R2", "S1")),
            "topics A and F share a proposer in slot S1",
        ),
    ],
)
def test_violations_name_each_broken_constraint(grid: tuple[Assignment, ...], problem: str) -> None:
    arrays = compile_instance(HAND)
    cell = np.full(arrays.n_topics, arrays.n_cells)
    topic = {t: i for i, t in enumerate(arrays.topic_ids)}
    room = {r: i for i, r in enumerate(arrays.room_ids)}
    slot = {s: i for i, s in enumerate(arrays.slot_ids)}
    for a in grid:
        cell[topic[a.topic]] = slot[a.slot] * arrays.n_rooms + room[a.room]
    assert violations(arrays, cell) == [problem]


def test_evaluate_rejects_an_infeasible_grid() -> None:
    with pytest.raises(InfeasibleError) as info:
        evaluate(HAND, (Assignment("A", "R1", "S1"), Assignment("B", "R2", "S1")))
    assert info.value.problems == ("topics A and B share a proposer in slot S1",)


def test_evaluate_rejects_unknown_ids() -> None:
    with pytest.raises(ScheduleError) as info:
        evaluate(HAND, (Assignment("Z", "R1", "S1"), Assignment("A", "R9", "S1")))
    assert info.value.problems == (
        "schedule: unknown topic Z",
        "schedule: topic A is in unknown cell R9/S1",
    )


def test_instance_problems_are_all_listed() -> None:
    data = {
        "weights": {"overflow": -1, "unscheduled": 5},
        "slots": [{"id": "S1"}, {"id": "S1"}],
        "rooms": [{"id": "R1", "capacity": 0}],
        "topics": [{"id": "A", "proposers": ["P9"], "forbidden_slots": ["S7"]}],
        "participants": [{"id": "P1", "votes": ["A", "A", "Q"]}],
    }
    with pytest.raises(InstanceError) as info:
        instance_from_dict(data)
    assert info.value.problems == (
        "rooms[0] (R1): capacity must be a positive integer",
        "weights.overflow must be a finite number >= 0, got -1",
        "duplicate slot id S1",
        "topic A: proposer P9 is not a participant",
        "topic A: forbidden slot S7 is not a slot",
        "participant P1: votes twice for A",
        "participant P1: votes for unknown topic Q",
    )
