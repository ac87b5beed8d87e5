"""An instance compiled to index arrays, the form the objective and the search work on.

Indices: topics ``t`` in ``[0, T)``, participants ``u`` in ``[0, P)``, rooms ``r`` in
``[0, R)``, slots ``s`` in ``[0, S)``. A cell is ``c = s * R + r``; the extra cell
index ``n_cells = S * R`` stands for "unscheduled", with slot index ``S`` and room
index ``R``, so that leaving a topic out is one more move rather than a special case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import Instance

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Arrays:
    """Index form of an :class:`Instance` (see the module docstring for the layout)."""

    topic_ids: tuple[str, ...]
    participant_ids: tuple[str, ...]
    room_ids: tuple[str, ...]
    slot_ids: tuple[str, ...]
    demand: IntArray  # (T,) votes per topic
    voters: tuple[IntArray, ...]  # T arrays of participant indices
    vote_topic: IntArray  # (n_votes,) topic of each vote
    vote_participant: IntArray  # (n_votes,) participant of each vote
    capacity: IntArray  # (R,) seats
    allowed: BoolArray  # (T, S + 1) topic may use slot; last column (unscheduled) True
    proposers: tuple[IntArray, ...]  # T arrays of proposer indices
    shared_proposers: npt.NDArray[np.int32]  # (T, T) proposers two topics have in common
    excess: IntArray  # (T, R) max(0, demand - capacity)
    room_cost: FloatArray  # (T, R + 1) overflow penalty per room; last column: left out
    overflow_weight: float

    @property
    def n_topics(self) -> int:
        return len(self.topic_ids)

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_rooms(self) -> int:
        return len(self.room_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_cells(self) -> int:
        return self.n_rooms * self.n_slots

    def slot_of_cell(self) -> IntArray:
        """(n_cells + 1,) slot of each cell, ``S`` for the unscheduled pseudo-cell."""
        return np.append(np.arange(self.n_cells) // self.n_rooms, self.n_slots)

    def room_of_cell(self) -> IntArray:
        """(n_cells + 1,) room of each cell, ``R`` for the unscheduled pseudo-cell."""
        return np.append(np.arange(self.n_cells) % self.n_rooms, self.n_rooms)


def compile_instance(instance: Instance) -> Arrays:
    """Index arrays of a validated instance (call ``validate_instance`` first)."""
    topic_ids = tuple(t.id for t in instance.topics)
    participant_ids = tuple(p.id for p in instance.participants)
    room_ids = tuple(r.id for r in instance.rooms)
    slot_ids = tuple(instance.slots)
    t_index = {tid: i for i, tid in enumerate(topic_ids)}
    s_index = {sid: i for i, sid in enumerate(slot_ids)}
    n_topics, n_slots = len(topic_ids), len(slot_ids)

    vote_topic: list[int] = []
    vote_participant: list[int] = []
    for u, person in enumerate(instance.participants):
        for tid in person.votes:
            vote_topic.append(t_index[tid])
            vote_participant.append(u)
    vt = np.asarray(vote_topic, dtype=np.intp)
    vp = np.asarray(vote_participant, dtype=np.intp)
    order = np.argsort(vt, kind="stable")
    demand = np.bincount(vt, minlength=n_topics).astype(np.intp)
    bounds = np.concatenate([[0], np.cumsum(demand)])
    voters = tuple(vp[order[bounds[t] : bounds[t + 1]]] for t in range(n_topics))

    allowed = np.ones((n_topics, n_slots + 1), dtype=bool)
    p_index: dict[str, int] = {}
    proposers = []
    for t, topic in enumerate(instance.topics):
        for sid in topic.forbidden_slots:
            allowed[t, s_index[sid]] = False
        proposers.append(
            np.asarray([p_index.setdefault(p, len(p_index)) for p in topic.proposers], np.intp)
        )
    hosts = np.zeros((n_topics, max(len(p_index), 1)), dtype=np.int32)
    for t, ps in enumerate(proposers):
        hosts[t, ps] = 1
    shared = hosts @ hosts.T

    capacity = np.asarray([r.capacity for r in instance.rooms], dtype=np.intp)
    excess = np.maximum(0, demand[:, None] - capacity[None, :])
    w = instance.weights
    left_out = np.where(demand >= 1, w.unscheduled + w.unscheduled_per_vote * demand, 0.0)
    room_cost = np.concatenate([w.overflow * excess, left_out[:, None]], axis=1).astype(float)
    return Arrays(
        topic_ids=topic_ids,
        participant_ids=participant_ids,
        room_ids=room_ids,
        slot_ids=slot_ids,
        demand=demand,
        voters=voters,
        vote_topic=vt,
        vote_participant=vp,
        capacity=capacity,
        allowed=allowed,
        proposers=tuple(proposers),
        shared_proposers=shared.astype(np.int32),
        excess=excess,
        room_cost=room_cost,
        overflow_weight=float(w.overflow),
    )
