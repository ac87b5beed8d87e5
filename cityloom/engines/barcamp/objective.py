"""The objective of the README and the hard constraints, computed from scratch.

A grid is ``topic_cell``: an int array of shape (T,) giving each topic's cell
(``s * R + r``) or ``n_cells`` when the topic is unscheduled. The search keeps its
own incremental counts; these functions are the reference it is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import Arrays, IntArray


@dataclass(frozen=True)
class ObjectiveParts:
    """Terms of the objective: interests count positively, the two penalties negatively."""

    satisfied_interests: int  # participant-slot pairs with at least one voted topic
    overflow_seats: int  # sum of max(0, demand - capacity) over scheduled topics
    overflow_penalty: float  # weights.overflow * overflow_seats
    unscheduled_penalty: float  # sum of (unscheduled + per_vote * demand) over voted left-outs

    @property
    def objective(self) -> float:
        return self.satisfied_interests - self.overflow_penalty - self.unscheduled_penalty


def slot_counts(arrays: Arrays, topic_cell: IntArray) -> IntArray:
    """(P, S) number of topics voted by participant u that are scheduled in slot s."""
    n_p, n_s, n_r = arrays.n_participants, arrays.n_slots, arrays.n_rooms
    cell = topic_cell[arrays.vote_topic]
    on = cell < arrays.n_cells
    flat = arrays.vote_participant[on] * n_s + cell[on] // n_r
    return np.bincount(flat, minlength=n_p * n_s).reshape(n_p, n_s)


def objective_parts(arrays: Arrays, topic_cell: IntArray) -> ObjectiveParts:
    """Objective terms of a grid (feasibility is not checked here: see ``violations``)."""
    counts = slot_counts(arrays, topic_cell)
    on = topic_cell < arrays.n_cells
    rooms = topic_cell[on] % arrays.n_rooms
    seats = int(arrays.excess[np.flatnonzero(on), rooms].sum())
    left_out = float(arrays.room_cost[~on, arrays.n_rooms].sum())
    return ObjectiveParts(
        satisfied_interests=int(np.count_nonzero(counts)),
        overflow_seats=seats,
        overflow_penalty=arrays.overflow_weight * seats,
        unscheduled_penalty=left_out,
    )


def violations(arrays: Arrays, topic_cell: IntArray) -> list[str]:
    """Broken hard constraints of a grid, one line each; empty when the grid is feasible."""
    problems: list[str] = []
    n_cells, n_r = arrays.n_cells, arrays.n_rooms
    if topic_cell.shape != (arrays.n_topics,) or np.any((topic_cell < 0) | (topic_cell > n_cells)):
        return ["topic_cell must hold one cell index in [0, n_cells] per topic"]
    on = np.flatnonzero(topic_cell < n_cells)
    cells, counts = np.unique(topic_cell[on], return_counts=True)
    for c in cells[counts > 1]:
        held = [arrays.topic_ids[t] for t in on[topic_cell[on] == c]]
        cell = f"{arrays.room_ids[c % n_r]}/{arrays.slot_ids[c // n_r]}"
        problems.append(f"cell {cell} holds several topics: {', '.join(held)}")
    for t in on:
        s = topic_cell[t] // n_r
        if not arrays.allowed[t, s]:
            problems.append(
                f"topic {arrays.topic_ids[t]} is in forbidden slot {arrays.slot_ids[s]}"
            )
    seen: dict[tuple[int, int], int] = {}
    for t in on:
        s = int(topic_cell[t] // n_r)
        for p in arrays.proposers[t]:
            other = seen.setdefault((int(p), s), int(t))
            if other != t:
                problems.append(
                    f"topics {arrays.topic_ids[other]} and {arrays.topic_ids[t]} share a "
                    f"proposer in slot {arrays.slot_ids[s]}"
                )
    return problems
