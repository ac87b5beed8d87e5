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
* ``E1 = (C == 1)`` as floats, (P, S + 1);
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
    """How hot to start and end, how many steps, and the wall-clock cap.

    ``seconds=None``: no clock at all, the iteration count alone cools and stops the
    search, so the same seed gives the same grid however loaded the machine is.
    """

    iterations: int
    seconds: float | None
    # In objective points. Heat-bath steps freeze near 0.4 on the generator's instances
    # (one interest is worth 1): hotter only scrambles, colder only repeats.
    start_temperature: float = 1.3
    end_temperature: float = 0.3


# --- builders of the search state (pure functions of the instance and the placement) ---


@dataclass(frozen=True)
class VotePairs:
    """Per item ``t``, one entry per vote cast by a voter of ``t`` (``t``'s own included).

    ``position[t]`` is that voter's position in ``voters[t]``, ``topic[t]`` the topic the
    vote is for and ``voter[t]`` the participant; all three have the same length, the
    total number of votes cast by ``t``'s voters (0 for a blank). Sums over the voters
    two topics share become bincounts over these pairs: no BLAS call, whose threads
    cost more than they save at these sizes.
    """

    position: list[IntArray]
    topic: list[IntArray]
    voter: list[IntArray]


def vote_pairs(arrays: Arrays, voters: tuple[IntArray, ...]) -> VotePairs:
    """The :class:`VotePairs` of every item; ``voters`` has one array per item."""
    order = np.argsort(arrays.vote_participant, kind="stable")
    by_voter = arrays.vote_topic[order]
    start = np.searchsorted(arrays.vote_participant[order], np.arange(arrays.n_participants + 1))
    degree = np.diff(start)
    pairs = VotePairs([], [], [])
    for v in voters:
        lengths = degree[v]
        pos = np.repeat(np.arange(v.size), lengths)
        offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        pairs.position.append(pos)
        pairs.topic.append(by_voter[np.repeat(start[v], lengths) + offset])
        pairs.voter.append(v[pos])
    return pairs


def place_items(topic_cell: IntArray, n_items: int, n_cells: int) -> tuple[IntArray, IntArray]:
    """(``n_items``,) cell of each item and (``n_cells``,) item in each cell.

    Topics take the cells of ``topic_cell`` (T,) (``n_cells``: unscheduled); blanks
    (items ``T`` onwards) fill the free cells in order and the rest wait in the pool.
    """
    n_t = topic_cell.size
    cell = np.full(n_items, n_cells, dtype=np.intp)
    cell[:n_t] = topic_cell
    cell_item = np.full(n_cells, -1, dtype=np.intp)
    on = np.flatnonzero(topic_cell < n_cells)
    cell_item[topic_cell[on]] = on
    free = np.flatnonzero(cell_item < 0)
    cell[n_t : n_t + free.size] = free
    cell_item[free] = np.arange(n_t, n_t + free.size)
    return cell, cell_item


def slot_vote_counts(arrays: Arrays, slot: IntArray) -> npt.NDArray[np.int32]:
    """``C`` (P, S + 1): topics voted by each participant scheduled in each slot.

    ``slot`` (n_items,) is each item's slot, ``S`` when unscheduled; that last column
    stays 0 (nobody attends the unscheduled pseudo-slot).
    """
    n_s = arrays.n_slots
    C = np.zeros((arrays.n_participants, n_s + 1), dtype=np.int32)
    np.add.at(C, (arrays.vote_participant, slot[arrays.vote_topic]), 1)
    C[:, n_s] = 0
    return C


def gains_and_losses(
    arrays: Arrays, C: npt.NDArray[np.int32], n_items: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``E1``, ``G0`` and ``G1`` from the counts ``C`` (P, S + 1).

    ``E1`` (P, S + 1) is ``C == 1`` as floats. ``G0[t, s]`` (n_items, S + 1) counts the
    voters of ``t`` with nothing voted in ``s`` (the gain of adding ``t`` to ``s``),
    ``G1[t, s]`` those whose only voted topic in ``s`` is one topic (the loss of taking
    ``t`` out of ``s``); their last column is 0.
    """
    n_s = arrays.n_slots
    E1 = (C == 1).astype(np.float64)
    empty = (C == 0).astype(np.float64)
    empty[:, n_s] = 0.0
    G0 = np.zeros((n_items, n_s + 1))
    G1 = np.zeros((n_items, n_s + 1))
    vt, vp = arrays.vote_topic, arrays.vote_participant
    for s in range(n_s):
        G0[:, s] = np.bincount(vt, weights=empty[vp, s], minlength=n_items)
        G1[:, s] = np.bincount(vt, weights=E1[vp, s], minlength=n_items)
    return E1, G0, G1


def proposer_counts(
    shared: npt.NDArray[np.int32], slot: IntArray, n_slots: int
) -> npt.NDArray[np.int32]:
    """``K`` (n_items, S + 1): (proposer of ``t``, item in ``s``) pairs sharing a proposer.

    ``shared`` (n_items, n_items) counts the proposers two items have in common; ``slot``
    (n_items,) is each item's slot. The last column (unscheduled) is 0.
    """
    n_items = slot.size
    hosts = np.zeros((n_items, n_slots + 1), dtype=np.int32)
    hosts[np.arange(n_items), slot] = 1
    K = shared @ hosts
    K[:, n_slots] = 0
    return K


class Grid:
    """Mutable search state of one grid; built from a feasible ``topic_cell`` (T,).

    ``movable[t]`` is False for topics pinned to a cell; ``allowed`` (T, S + 1) is the
    instance's slot permission with slot pins folded in; ``move_cost`` (T, n_cells + 1)
    is the penalty of each topic being in each cell (fewest-changes mode) or None.

    Free cells hold *blanks*: ``n_cells`` extra items (indices ``T`` to
    ``T + n_cells - 1``) with no voter, no proposer and no cost. Every cell always
    holds one item, blanks not in a cell wait in the unscheduled pool, and every move
    of a topic is a swap with another item: with a blank in a cell it is a move to a
    free cell, with a pooled blank it is leaving the grid. One vectorised formula
    then scores all moves of a topic at once.

    State, ``N = n_items = T + n_cells``, blanks included in every per-item array:

    * fixed: ``movable`` (N,), ``allowed`` (N, S + 1) and its transpose
      ``allowed_by_slot``, ``move_cost`` (N, n_cells + 1) or None, ``room_cost``
      (N, R + 1), ``shared`` (N, N) proposers in common, ``voters`` (N arrays),
      ``pair_pos``/``pair_topic``/``pair_voter`` (:class:`VotePairs`) and ``pair_base``
      (each pair's voter row offset into the flattened ``E1``);
    * placement: ``cell``, ``slot``, ``room`` (N,), ``cell_topic`` (n_cells,) the item
      in each cell, ``pool`` the blanks out of the grid and ``exit`` the one standing
      for "leave the grid", ``unpooled`` (N,);
    * kept up to date move by move for the hot path: ``flat_slot`` (N,) the flat index
      of ``(t, slot[t])`` in an (N, S + 1) array, ``own_cost`` and ``own_move_cost``
      (N,) each item's current room and move cost;
    * counts of the module docstring: ``C``, ``E1`` (P, S + 1), ``G0``, ``G1``, ``K``
      (N, S + 1).
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
        self.arrays = arrays
        n_t, n_s, n_cells = arrays.n_topics, arrays.n_slots, arrays.n_cells
        n_items = n_t + n_cells
        self.n_t, self.n_s, self.n_cells, self.n_items = n_t, n_s, n_cells, n_items
        self.slot_of_cell = arrays.slot_of_cell()
        self.room_of_cell = arrays.room_of_cell()
        self.ar = np.arange(n_items)

        # Blanks: always movable and allowed anywhere, no cost, no voter, no proposer.
        self.blank = self.ar >= n_t
        self.movable = np.concatenate([movable, np.ones(n_cells, dtype=bool)])
        self.allowed = np.concatenate([allowed, np.ones((n_cells, n_s + 1), dtype=bool)])
        self.allowed_by_slot = np.ascontiguousarray(self.allowed.T)
        self.move_cost = None
        if move_cost is not None:
            self.move_cost = np.concatenate([move_cost, np.zeros((n_cells, n_cells + 1))])
        self.room_cost = np.concatenate([arrays.room_cost, np.zeros((n_cells, arrays.n_rooms + 1))])
        self.shared = np.zeros((n_items, n_items), dtype=np.int32)
        self.shared[:n_t, :n_t] = arrays.shared_proposers
        self.voters = arrays.voters + (np.zeros(0, dtype=np.intp),) * n_cells
        pairs = vote_pairs(arrays, self.voters)
        self.pair_pos, self.pair_topic, self.pair_voter = pairs.position, pairs.topic, pairs.voter
        self.pair_base = [v * (n_s + 1) for v in self.pair_voter]

        self.cell, self.cell_topic = place_items(
            np.asarray(topic_cell, dtype=np.intp), n_items, n_cells
        )
        self.slot = self.slot_of_cell[self.cell]
        self.room = self.room_of_cell[self.cell]
        self.flat_slot = self.ar * (n_s + 1) + self.slot
        self.own_cost = self.room_cost[self.ar, self.room]
        self.own_move_cost = (
            self.move_cost[self.ar, self.cell] if self.move_cost is not None else None
        )
        self.pool = set(np.flatnonzero(self.blank & (self.slot == n_s)).tolist())
        # The pooled blank that stands for "leave the grid" (any would do; the smallest
        # index keeps runs reproducible). The pool is never empty while a topic is in.
        self.exit = min(self.pool, default=-1)
        self.unpooled = ~(self.blank & (self.slot == n_s))

        self.C = slot_vote_counts(arrays, self.slot)
        self.E1, self.G0, self.G1 = gains_and_losses(arrays, self.C, n_items)
        self.K = proposer_counts(self.shared, self.slot, n_s)

    @property
    def topic_cell(self) -> IntArray:
        """(T,) cell of each topic, ``n_cells`` when unscheduled (a copy)."""
        return self.cell[: self.n_t].copy()

    def holder(self, c: int) -> int:
        """The topic in cell ``c``, or -1 when it is free."""
        t = int(self.cell_topic[c])
        return -1 if t >= self.n_t else t

    def score_offset(self) -> float:
        """Move penalty of the current grid (objective minus this is the search score)."""
        if self.move_cost is None:
            return 0.0
        return float(self.move_cost[self.ar, self.cell].sum())

    # --- scores --------------------------------------------------------------------

    def neighbourhood(self, t1: int) -> FloatArray:
        """(n_items,) score delta of swapping topic ``t1`` with each item, -inf if not allowed."""
        # Hot path: rows are taken first (``G0[t1][sl]``) and 2-D gathers go through flat
        # indices kept up to date, which is markedly faster in NumPy than ``G0[t1, sl]``.
        n_s = self.n_s
        c1, a, r1 = self.cell[t1], self.slot[t1], self.room[t1]
        sl = self.slot
        G0, G1, rc = self.G0, self.G1, self.room_cost
        pt = self.pair_topic[t1]
        e1 = self.E1.ravel()
        base = self.pair_base[t1]
        # Common voters of t1 and each t2 whose only voted session in a, or in t2's slot,
        # is t1 or t2 (the correction term of the module docstring).
        common = np.bincount(pt, weights=e1[base + a] + e1[base + sl[pt]], minlength=self.n_items)
        same = sl == a
        delta = G0[t1][sl]
        delta += G0[:, a]
        delta -= G1.ravel()[self.flat_slot]
        delta += common
        delta -= G1[t1, a]
        delta[same] = 0.0
        delta += rc[t1, r1]
        delta -= rc[t1][self.room]
        delta -= rc[:, r1]
        delta += self.own_cost
        if self.move_cost is not None:
            mc = self.move_cost
            delta -= mc[t1][self.cell] - mc[t1, c1] + mc[:, c1] - self.own_move_cost
        sh = self.shared[t1]
        ok = self.allowed[t1][sl]
        ok &= self.allowed_by_slot[a]
        ok &= self.movable
        if a < n_s:
            ok &= same | (self.K[:, a] == sh)
        ok &= same | (sl == n_s) | (self.K[t1][sl] == sh)
        # One pooled blank stands for "leave the grid"; the others would repeat it.
        ok &= self.unpooled
        if a < n_s:
            ok[self.exit] = self.allowed[t1, n_s]
        ok[t1] = False
        # A room change inside the slot that gains nothing only burns a step: with many
        # such no-ops the heat bath would pick them over the moves that matter.
        ok &= ~same | (delta > 1e-9)
        delta[~ok] = -np.inf
        return delta

    # --- moves ---------------------------------------------------------------------

    def _shift(self, t: int, a: int, b: int) -> None:
        """Move ``t``'s votes and hosting from slot ``a`` to slot ``b`` (either may be S)."""
        v, pos, pt = self.voters[t], self.pair_pos[t], self.pair_topic[t]
        for s, step in ((a, -1), (b, 1)):
            if s == self.n_s:
                continue
            if v.size:
                old = self.C[v, s]
                col = old + step
                self.C[v, s] = col
                e = col == 1
                self.E1[v, s] = e
                de = e.astype(np.float64)
                de -= old == 1
                dz = (col == 0).astype(np.float64)
                dz -= old == 0
                self.G1[:, s] += np.bincount(pt, weights=de[pos], minlength=self.n_items)
                self.G0[:, s] += np.bincount(pt, weights=dz[pos], minlength=self.n_items)
            if t < self.n_t:
                self.K[:, s] += step * self.shared[:, t]

    def swap(self, t1: int, t2: int) -> None:
        """Exchange the places of items ``t1`` and ``t2`` (either may be unscheduled)."""
        c1, c2 = self.cell[t1], self.cell[t2]
        a, b = self.slot[t1], self.slot[t2]
        if c1 < self.n_cells:
            self.cell_topic[c1] = t2
        if c2 < self.n_cells:
            self.cell_topic[c2] = t1
        self.cell[t1], self.cell[t2] = c2, c1
        self.slot[t1], self.slot[t2] = b, a
        self.room[t1], self.room[t2] = self.room[t2], self.room[t1]
        n_s1 = self.n_s + 1
        for t in (t1, t2):
            self.flat_slot[t] = t * n_s1 + self.slot[t]
            self.own_cost[t] = self.room_cost[t, self.room[t]]
            if self.own_move_cost is not None:
                self.own_move_cost[t] = self.move_cost[t, self.cell[t]]
            if self.blank[t]:
                pooled = self.slot[t] == self.n_s
                self.unpooled[t] = not pooled
                if pooled:
                    self.pool.add(t)
                else:
                    self.pool.discard(t)
                    if t == self.exit:
                        self.exit = min(self.pool, default=-1)
                if self.exit < 0 and pooled:
                    self.exit = t
        if a != b:
            self._shift(t1, a, b)
            self._shift(t2, b, a)

    def move(self, t: int, c: int) -> None:
        """Put topic ``t`` into free cell ``c`` (``n_cells``: leave it out)."""
        if c == self.cell[t]:
            return
        if c < self.n_cells:
            other = int(self.cell_topic[c])
            if other < self.n_t:
                raise ValueError(f"cell {c} is not free")
        else:
            other = self.exit
        self.swap(t, other)

    def step(self, t1: int, temperature: float, rng: np.random.Generator | None) -> float:
        """One heat-bath step on ``t1`` (greedy when temperature is 0); returns the delta."""
        d = self.neighbourhood(t1)
        k = int(np.argmax(d))
        top = float(d[k])
        if top == -np.inf:
            return 0.0
        if temperature <= 0.0 or rng is None:
            if top <= 1e-9:
                return 0.0
        else:
            # Staying put is one more candidate, of delta 0.
            ceiling = max(top, 0.0)
            cum = np.cumsum(np.exp((d - ceiling) / temperature))
            stay = math.exp(-ceiling / temperature)
            x = rng.random() * (cum[-1] + stay)
            if x >= cum[-1]:
                return 0.0
            k = int(np.searchsorted(cum, x, side="right"))
        self.swap(t1, k)
        return float(d[k])


@dataclass(frozen=True)
class SearchOutcome:
    topic_cell: IntArray  # (T,) best grid found
    score: float  # its objective minus the move penalty
    iterations: int
    timed_out: bool


def descend(grid: Grid, order: IntArray, *, deadline: float | None) -> float:
    """Greedy best-move sweeps until a full sweep improves nothing; returns the gain.

    ``deadline`` (a ``time.perf_counter()`` value) stops it early; None never does.
    """
    gain = 0.0
    improved = True
    while improved and (deadline is None or time.perf_counter() < deadline):
        improved = False
        for t in order:
            d = grid.step(int(t), 0.0, None)
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
    so the run still cools down and stops in time. Without ``schedule.seconds`` only
    the iteration count does, on any machine.
    """
    start = time.perf_counter()
    seconds = schedule.seconds
    movable = np.flatnonzero(grid.movable[: grid.n_t])
    best_cell = grid.topic_cell
    best = current = score
    if movable.size == 0:
        return SearchOutcome(best_cell, best, 0, False)
    t0, t_end = schedule.start_temperature, schedule.end_temperature
    ratio = t_end / t0
    total = max(1, schedule.iterations)
    it = 0
    clock = 0.0  # share of the allowed seconds spent, read every 16 steps
    timed_out = False
    while it < total:
        order = rng.permutation(movable)
        for t in order:
            if seconds is not None and it % 16 == 0:
                clock = (time.perf_counter() - start) / seconds
                if clock >= 1.0:
                    timed_out = True
                    break
            temperature = t0 * ratio ** max(it / total, clock)
            current += grid.step(int(t), temperature, rng)
            it += 1
            if current > best + 1e-9:
                best = current
                best_cell = grid.topic_cell
            if it >= total:
                break
        if timed_out:
            break
    # Finish from the best grid seen: a greedy descent only climbs from there.
    if not np.array_equal(best_cell, grid.topic_cell):
        _reset(grid, best_cell)
    deadline = None if seconds is None else start + seconds + 0.05 * seconds
    best += descend(grid, rng.permutation(movable), deadline=deadline)
    return SearchOutcome(grid.topic_cell, best, it, timed_out)


def _reset(grid: Grid, topic_cell: IntArray) -> None:
    """Bring ``grid`` to ``topic_cell`` by moves (keeps the counts consistent)."""
    for t in np.flatnonzero(grid.topic_cell != topic_cell):
        grid.move(int(t), grid.n_cells)
    for t in np.flatnonzero(grid.topic_cell != topic_cell):
        grid.move(int(t), int(topic_cell[t]))
