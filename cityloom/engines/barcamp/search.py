"""Local search on the grid: heat-bath simulated annealing over whole neighbourhoods.

One step picks a topic ``t1`` and scores, in a handful of NumPy operations, every
move it can make: into any empty cell (another room of its slot, another slot, or out
of the grid) and every swap with another topic (scheduled or not). The step then
draws one of those moves, or staying put, with probability proportional to
``exp(delta / temperature)`` (a heat-bath step), so one step uses all the scores it
paid for instead of testing a single random move.

Scores come from counts kept up to date move by move (shapes with ``S + 1`` columns
carry a zero column for the "unscheduled" pseudo-slot, so leaving a topic out needs
no special case):

* ``C[u, s]``: topics voted by participant ``u`` scheduled in slot ``s``, (P, S + 1);
* ``E1 = (C == 1)`` and ``Z = (C == 0)`` as floats, (P, S + 1);
* ``G0[t, s]``: voters of ``t`` with nothing voted in ``s`` (the gain of adding ``t``
  to ``s``), ``G1[t, s]``: voters of ``t`` whose only voted topic in ``s`` is one
  topic (the loss of removing ``t`` from its slot), both (T, S + 1);
* ``K[t, s]``: (proposer of ``t``, topic in ``s``) pairs sharing a proposer, (T, S + 1).

Swapping ``t1`` (slot ``a``) with ``t2`` (slot ``b``) changes satisfied interests by
``G0[t1,b] - G1[t1,a] + G0[t2,a] - G1[t2,b] + sum over common voters u of
(E1[u,a] + E1[u,b])``: the last term gives back what the first four wrongly count
for people who voted both and so keep one session in each slot.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import Arrays, FloatArray, IntArray


@dataclass(frozen=True)
class Schedule:
    """How hot to start and end, how many steps, and the wall-clock cap."""

    iterations: int
    seconds: float
    start_temperature: float = 2.0
    end_temperature: float = 0.1


class Grid:
    """Mutable search state of one grid; built from a feasible ``topic_cell``.

    ``movable[t]`` is False for topics pinned to a cell; ``allowed`` (T, S + 1) is the
    instance's slot permission with slot pins folded in; ``move_cost`` (T, n_cells + 1)
    is the penalty of each topic being in each cell (fewest-changes mode) or None.
    """

    def __init__(
        self,
        arrays: Arrays,
        topic_cell: IntArray,
        *,
        movable: npt.NDArray[np.bool_],
        allowed: npt.NDArray[np.bool_],
        move_cost: FloatArray | None = None,
    ) -> None:
        self.a = arrays
        n_t, n_p, n_s = arrays.n_topics, arrays.n_participants, arrays.n_slots
        self.n_t, self.n_s, self.n_cells = n_t, n_s, arrays.n_cells
        self.slot_of_cell = arrays.slot_of_cell()
        self.room_of_cell = arrays.room_of_cell()
        self.movable = movable.copy()
        self.allowed = allowed
        self.move_cost = move_cost
        self.room_cost = arrays.room_cost
        self.shared = arrays.shared_proposers
        self.ar = np.arange(n_t)
        self.voters = arrays.voters
        # For each topic t, one entry per vote cast by a voter of t: ``pair_pos`` is that
        # voter's position in ``voters[t]``, ``pair_topic`` the topic the vote is for
        # (t itself included). Sums over common voters become bincounts over these
        # pairs: no BLAS call, whose threads cost more than they save at these sizes.
        order = np.argsort(arrays.vote_participant, kind="stable")
        by_voter = arrays.vote_topic[order]
        start = np.searchsorted(arrays.vote_participant[order], np.arange(n_p + 1))
        degree = np.diff(start)
        self.pair_pos: list[IntArray] = []
        self.pair_topic: list[IntArray] = []
        self.pair_voter: list[IntArray] = []
        for v in arrays.voters:
            lengths = degree[v]
            pos = np.repeat(np.arange(v.size), lengths)
            offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            self.pair_pos.append(pos)
            self.pair_topic.append(by_voter[np.repeat(start[v], lengths) + offset])
            self.pair_voter.append(v[pos])
        self.cell = np.asarray(topic_cell, dtype=np.intp).copy()
        self.cell_topic = np.full(self.n_cells + 1, -1, dtype=np.intp)
        on = self.cell < self.n_cells
        self.cell_topic[self.cell[on]] = np.flatnonzero(on)
        self.slot = self.slot_of_cell[self.cell]
        self.room = self.room_of_cell[self.cell]

        self.C = np.zeros((n_p, n_s + 1), dtype=np.int32)
        np.add.at(self.C, (arrays.vote_participant, self.slot[arrays.vote_topic]), 1)
        self.C[:, n_s] = 0
        self.E1 = (self.C == 1).astype(np.float64)
        self.Z = (self.C == 0).astype(np.float64)
        self.Z[:, n_s] = 0.0
        self.G0 = np.zeros((n_t, n_s + 1))
        self.G1 = np.zeros((n_t, n_s + 1))
        for s in range(n_s):
            vt, vp = arrays.vote_topic, arrays.vote_participant
            self.G0[:, s] = np.bincount(vt, weights=self.Z[vp, s], minlength=n_t)
            self.G1[:, s] = np.bincount(vt, weights=self.E1[vp, s], minlength=n_t)
        hosts = np.zeros((n_t, n_s + 1), dtype=np.int32)
        for t in range(n_t):
            if self.slot[t] < n_s:
                hosts[t, self.slot[t]] = 1
        self.K = self.shared @ hosts
        self.K[:, n_s] = 0

    # --- scores --------------------------------------------------------------------

    def score_offset(self) -> float:
        """Move penalty of the current grid (objective minus this is the search score)."""
        if self.move_cost is None:
            return 0.0
        return float(self.move_cost[self.ar, self.cell].sum())

    def neighbourhood(
        self, t1: int
    ) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray, npt.NDArray[np.bool_], IntArray]:
        """Score deltas of every move of ``t1``.

        Returns ``(swap_delta (T,), swap_ok (T,), cell_delta (E,), cell_ok (E,), empty (E,))``
        where ``empty`` lists the free cells (the pseudo-cell ``n_cells`` included).
        """
        n_s = self.n_s
        c1, a = self.cell[t1], self.slot[t1]
        r1 = self.room[t1]
        sl, rm, ar = self.slot, self.room, self.ar
        G0, G1, K, rc = self.G0, self.G1, self.K, self.room_cost
        pu, pt = self.pair_voter[t1], self.pair_topic[t1]
        e1 = self.E1
        # Common voters of t1 and each t2 whose only voted session in a, or in t2's slot,
        # is t1 or t2 (the correction term of the module docstring).
        common = np.bincount(pt, weights=e1[pu, a] + e1[pu, sl[pt]], minlength=self.n_t)
        loss1 = G1[t1, a]
        same = sl == a
        sat = G0[t1, sl] - loss1 + G0[:, a] - G1[ar, sl] + common
        sat[same] = 0.0
        delta = sat - (rc[t1, rm] - rc[t1, r1]) - (rc[:, r1] - rc[ar, rm])
        sh = self.shared[t1]
        ok = self.movable & self.allowed[t1, sl] & self.allowed[:, a]
        if a < n_s:
            ok &= same | (K[:, a] == sh)
        ok &= same | (sl == n_s) | (K[t1, sl] == sh)
        ok[t1] = False
        if a == n_s:
            ok &= ~same  # two left-out topics: swapping them changes nothing

        empty = np.flatnonzero(self.cell_topic < 0)
        b = self.slot_of_cell[empty]
        cell_delta = np.where(b == a, 0.0, G0[t1, b] - loss1) - (
            rc[t1, self.room_of_cell[empty]] - rc[t1, r1]
        )
        cell_ok = self.allowed[t1, b] & (empty != c1) & ((b == a) | (b == n_s) | (K[t1, b] == 0))
        if self.move_cost is not None:
            mc = self.move_cost
            delta -= mc[t1, self.cell] - mc[t1, c1] + mc[:, c1] - mc[ar, self.cell]
            cell_delta -= mc[t1, empty] - mc[t1, c1]
        return delta, ok, cell_delta, cell_ok, empty

    # --- moves ---------------------------------------------------------------------

    def _shift(self, t: int, a: int, b: int) -> None:
        """Move ``t``'s votes and hosting from slot ``a`` to slot ``b`` (either may be S)."""
        v, pos, pt = self.voters[t], self.pair_pos[t], self.pair_topic[t]
        for s, step in ((a, -1), (b, 1)):
            if s == self.n_s:
                continue
            col = self.C[v, s] + step
            self.C[v, s] = col
            e = (col == 1).astype(np.float64)
            z = (col == 0).astype(np.float64)
            de = e - self.E1[v, s]
            dz = z - self.Z[v, s]
            self.E1[v, s] = e
            self.Z[v, s] = z
            self.G1[:, s] += np.bincount(pt, weights=de[pos], minlength=self.n_t)
            self.G0[:, s] += np.bincount(pt, weights=dz[pos], minlength=self.n_t)
            self.K[:, s] += step * self.shared[:, t]

    def move(self, t: int, c: int) -> None:
        """Put ``t`` into free cell ``c`` (``n_cells`` leaves it out)."""
        c0, a = self.cell[t], self.slot[t]
        if c0 < self.n_cells:
            self.cell_topic[c0] = -1
        if c < self.n_cells:
            self.cell_topic[c] = t
        self.cell[t] = c
        self.slot[t] = b = self.slot_of_cell[c]
        self.room[t] = self.room_of_cell[c]
        if a != b:
            self._shift(t, a, b)

    def swap(self, t1: int, t2: int) -> None:
        """Exchange the cells of ``t1`` and ``t2`` (either may be unscheduled)."""
        c1, c2 = self.cell[t1], self.cell[t2]
        a, b = self.slot[t1], self.slot[t2]
        if c1 < self.n_cells:
            self.cell_topic[c1] = t2
        if c2 < self.n_cells:
            self.cell_topic[c2] = t1
        self.cell[t1], self.cell[t2] = c2, c1
        self.slot[t1], self.slot[t2] = b, a
        self.room[t1], self.room[t2] = self.room[t2], self.room[t1]
        if a != b:
            self._shift(t1, a, b)
            self._shift(t2, b, a)

    def step(self, t1: int, temperature: float, rng: np.random.Generator) -> float:
        """One heat-bath step on ``t1`` (greedy when temperature is 0); returns the delta."""
        delta, ok, cell_delta, cell_ok, empty = self.neighbourhood(t1)
        swaps = np.flatnonzero(ok)
        cells = np.flatnonzero(cell_ok)
        d = np.concatenate([delta[swaps], cell_delta[cells]])
        if d.size == 0:
            return 0.0
        top = float(d.max())
        if temperature <= 0.0:
            if top <= 1e-9:
                return 0.0
            k = int(np.argmax(d))
        else:
            # Staying put is one more candidate, of delta 0.
            ceiling = max(top, 0.0)
            weights = np.exp((d - ceiling) / temperature)
            stay = math.exp(-ceiling / temperature)
            cum = np.cumsum(weights)
            x = rng.random() * (cum[-1] + stay)
            if x >= cum[-1]:
                return 0.0
            k = int(np.searchsorted(cum, x, side="right"))
        if k < swaps.size:
            self.swap(t1, int(swaps[k]))
        else:
            self.move(t1, int(empty[cells[k - swaps.size]]))
        return float(d[k])


@dataclass(frozen=True)
class SearchOutcome:
    topic_cell: IntArray  # (T,) best grid found
    score: float  # its objective minus the move penalty
    iterations: int
    timed_out: bool


def descend(grid: Grid, order: IntArray, *, deadline: float) -> float:
    """Greedy best-move sweeps until a full sweep improves nothing; returns the gain."""
    gain = 0.0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for t in order:
            d = grid.step(int(t), 0.0, np.random.default_rng(0))
            if d > 1e-9:
                gain += d
                improved = True
    return gain


def anneal(
    grid: Grid,
    score: float,
    schedule: Schedule,
    rng: np.random.Generator,
) -> SearchOutcome:
    """Heat-bath annealing from the grid's current state, whose score is ``score``.

    The temperature falls geometrically with progress, the larger of the share of
    iterations done and the share of ``schedule.seconds`` spent: on an idle machine
    the iteration count rules (same seed, same grid), on a loaded one the clock does,
    so the run still cools down and stops in time.
    """
    start = time.perf_counter()
    deadline = start + schedule.seconds
    movable = np.flatnonzero(grid.movable)
    best_cell = grid.cell.copy()
    best = current = score
    if movable.size == 0:
        return SearchOutcome(best_cell, best, 0, False)
    t0, t_end = schedule.start_temperature, schedule.end_temperature
    ratio = t_end / t0
    total = max(1, schedule.iterations)
    it = 0
    timed_out = False
    while it < total:
        order = rng.permutation(movable)
        for t in order:
            progress = it / total
            if it % 16 == 0:
                elapsed = (time.perf_counter() - start) / schedule.seconds
                if elapsed >= 1.0:
                    timed_out = True
                    break
                progress = max(progress, elapsed)
            temperature = t0 * ratio**progress
            current += grid.step(int(t), temperature, rng)
            it += 1
            if current > best + 1e-9:
                best = current
                best_cell = grid.cell.copy()
            if it >= total:
                break
        if timed_out:
            break
    # Finish from the best grid seen: a greedy descent only climbs from there.
    if not np.array_equal(best_cell, grid.cell):
        _reset(grid, best_cell)
    best += descend(grid, rng.permutation(movable), deadline=deadline + 0.05 * schedule.seconds)
    return SearchOutcome(grid.cell.copy(), best, it, timed_out)


def _reset(grid: Grid, topic_cell: IntArray) -> None:
    """Bring ``grid`` to ``topic_cell`` by moves (keeps the counts consistent)."""
    for t in np.flatnonzero(grid.cell != topic_cell):
        if grid.cell[t] != topic_cell[t]:
            grid.move(int(t), grid.n_cells)
    for t in np.flatnonzero(grid.cell != topic_cell):
        grid.move(int(t), int(topic_cell[t]))
