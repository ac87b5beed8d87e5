"""Global assignment: the pairing of many open requests that maximises total suitability.

The problem, over requests i and candidates j with suitability s_ij:

    maximise   sum s_ij x_ij
    subject to sum_j x_ij <= 1                (a request gets at most one mentor)
               sum_i x_ij <= remaining_j      (a city takes at most its free slots)
               x_ij in {0, 1}, and x_ij = 0 unless (i, j) is eligible (free slot, not the
               requester itself, s_ij >= min_suitability)

Its LP relaxation is integral (bipartite constraint matrix) and its dual is

    minimise   sum u_i + sum remaining_j v_j   subject to   u_i + v_j >= s_ij,  u, v >= 0.

Method (exact). All m x n pairs (50 million for 5,000 x 10,000) are scored once, block by
block, keeping each request's best `LIST_LENGTH` pairs and t_i, the best score left out.
The matching is solved on a subset of pairs (at first each request's `top_k` best) as a
min-weight full bipartite matching (scipy's LAPJVsp), each city expanded into one column
per free slot and each request given a private "unassigned" column. Duals (u, v) follow
from shortest paths in the residual graph of the optimal matching (Bellman-Ford). A pair
outside the subset with s_ij - u_i - v_j > TOLERANCE would improve the matching: pairs of
the kept lists are priced exactly; as v >= 0, a request with t_i <= u_i has no better pair
left out, and only the other requests are re-scored in full. Violating pairs join the
subset and the matching is solved again, until none violates.

Certificate. For any v >= 0, u'_i = max(0, max_j s_ij - v_j) makes (u', v) dual-feasible
for all pairs, so `upper_bound` = sum u' + sum remaining_j v_j bounds the optimum from
above whatever the solver did; t_i stands in for the pairs never re-scored.
`total >= optimum - (upper_bound - total)`, and on every case tested the gap is 0 up to
rounding. Solving on the top-K pairs alone would not be exact: when the K cities that many
requests rank first fill up, the optimum needs pairs ranked below K.

The assignment is compared with one-by-one (greedy top-1) matching: requests in the order
given each take their best city that still has a free slot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .errors import DuplicateIdError, InvalidValueError, SolverError
from .model import Request, Weights
from .pool import CandidatePool, FloatArray, IntArray, RequestFeatures, encode_requests
from .scoring import Excluded, eligible_pairs, excluded_indices, suitability
from .suggestion import top_indices

DEFAULT_TOP_K = 8
# Pairs kept per request after scoring: they are priced at no cost in later rounds.
LIST_LENGTH = 64
# Reduced costs below this are rounding, not improvement (suitabilities lie in [0, 1]).
TOLERANCE = 1e-9
# Slack added to every arc of the residual graph when computing the duals (`_duals`): 512
# units in the last place of 1.0, the scale of suitabilities (costs 2 - s lie in [1, 2]).
# Arc lengths are rounded differences, so a cycle of exact ties (frequent: two requests that
# differ by a city-independent amount rank cities alike) can sum to -1e-16 and would never
# let Bellman-Ford settle. The per-arc rounding of lengths, of the solver's costs 2 - s and of
# its own arithmetic is a few ulps; with this slack every cycle within that noise is
# non-negative. The duals are then feasible up to ARC_SLACK per pair, which the certificate
# absorbs: `upper_bound - total <= m * ARC_SLACK` (about 6e-10 for 5,000 requests).
ARC_SLACK = 512 * float(np.finfo(np.float64).eps)
MAX_ROUNDS = 50
# Requests scored at once: a few (BLOCK_ROWS, n) float64 buffers stay in cache-sized chunks.
BLOCK_ROWS = 64

# Scores (b, n) of the requests at the given canonical rows, -inf where not eligible.
Scorer = Callable[[IntArray], FloatArray]


@dataclass(frozen=True)
class Match:
    """The mentor a request gets in the optimal assignment and in one-by-one matching."""

    request_id: str
    city_id: str | None
    suitability: float | None
    greedy_city_id: str | None
    greedy_suitability: float | None

    @property
    def changed(self) -> bool:
        return self.city_id != self.greedy_city_id


@dataclass(frozen=True)
class Assignment:
    """`matches` follow the order of the requests given.

    `upper_bound` is a certified bound on the best possible total (module docstring);
    `n_pairs` is the number of pairs the final matching saw, `n_rounds` the number of solves,
    `n_rescored` the number of request rows scored again in full for pricing.
    """

    matches: tuple[Match, ...]
    total: float
    greedy_total: float
    upper_bound: float
    n_pairs: int
    n_rounds: int
    n_rescored: int

    @property
    def gap(self) -> float:
        return self.upper_bound - self.total

    @property
    def changes(self) -> tuple[Match, ...]:
        return tuple(match for match in self.matches if match.changed)


def score_block(
    features: RequestFeatures, pool: CandidatePool, weights: Weights, min_suitability: float
) -> FloatArray:
    """Suitability (b, n) of each pair, -inf where the pair is not eligible."""
    total = suitability(features, pool, weights)
    total[~eligible_pairs(features, pool) | (total < min_suitability)] = -np.inf
    return total


def assign(
    requests: Sequence[Request],
    pool: CandidatePool,
    weights: Weights | None = None,
    *,
    min_suitability: float = 0.0,
    top_k: int = DEFAULT_TOP_K,
    list_length: int = LIST_LENGTH,
    excluded: Excluded | None = None,
) -> Assignment:
    """The capacity-respecting assignment of maximal total suitability, with its certificate.

    `top_k` pairs per request start the matching, `list_length` are kept for pricing; both
    change the speed, never the result. `excluded` maps request ids to city ids the request
    must not get (ids outside the batch or the pool are ignored): those pairs are ineligible,
    for the optimum as for one-by-one matching.
    """
    weights = weights or Weights()
    if top_k < 1:
        raise InvalidValueError(field="top_k", value=top_k, code="not_positive")
    if list_length < 1:
        raise InvalidValueError(field="list_length", value=list_length, code="not_positive")
    ids = sorted(request.id for request in requests)
    for previous, current in pairwise(ids):
        if previous == current:
            raise DuplicateIdError(kind="request", id=current)
    # Solve in request-id order: the result then does not depend on the order given.
    order = sorted(range(len(requests)), key=lambda i: requests[i].id)
    features = encode_requests([requests[i] for i in order], pool)
    m = len(order)
    remaining = pool.remaining.astype(np.float64)
    banned = [excluded_indices(pool, excluded, requests[i].id) for i in order]
    banned_i = np.repeat(np.arange(m), [b.size for b in banned]).astype(np.int64)
    banned_j = np.concatenate([np.empty(0, dtype=np.int64), *banned])
    position = np.full(m, -1, dtype=np.int64)

    def score(rows: IntArray) -> FloatArray:
        block = score_block(features.take(rows), pool, weights, min_suitability)
        if banned_i.size:
            position[rows] = np.arange(rows.size)
            hit = position[banned_i] >= 0
            block[position[banned_i[hit]], banned_j[hit]] = -np.inf
            position[rows] = -1
        return block

    lists = _best_pairs(score, m, pool.size, max(list_length, top_k))
    in_subset = np.isfinite(lists.s) & (np.arange(lists.s.shape[1]) < top_k)
    extra_i = extra_j = np.empty(0, dtype=np.int64)
    extra_s = np.empty(0)
    rounds = rescored = 0
    while True:
        rounds += 1
        edge_i = np.concatenate([np.nonzero(in_subset)[0], extra_i])
        edge_j = np.concatenate([lists.j[in_subset], extra_j])
        edge_s = np.concatenate([lists.s[in_subset], extra_s])
        assigned, u, v = _solve(edge_i, edge_j, edge_s, m, remaining)
        # Pricing of the kept lists: exact and cheap.
        reduced = lists.s - u[:, None] - v[lists.j]
        violating = np.isfinite(lists.s) & ~in_subset & (reduced > TOLERANCE)
        if violating.any() and rounds < MAX_ROUNDS:
            in_subset |= violating
            continue
        # Pairs beyond the lists: only rows whose best left-out score could beat u_i.
        bound = lists.left_out.copy()
        recheck = np.flatnonzero(lists.left_out > u + TOLERANCE)
        rescored += recheck.size
        new = _price_rows(score, recheck, lists.j, (extra_i, extra_j), u, v, top_k, bound)
        if new[0].size == 0 or rounds >= MAX_ROUNDS:
            break
        extra_i = np.concatenate([extra_i, new[0]])
        extra_j = np.concatenate([extra_j, new[1]])
        extra_s = np.concatenate([extra_s, new[2]])

    # Certificate: u'_i >= s_ij - v_j over every pair, through kept lists, extra pairs and
    # the left-out bound.
    finite = np.isfinite(lists.s)
    u_feasible = np.maximum(u, 0.0)
    u_feasible = np.maximum(u_feasible, np.max(np.where(finite, lists.s - v[lists.j], 0.0), axis=1))
    u_feasible = np.maximum(u_feasible, np.where(np.isfinite(bound), bound, 0.0))
    np.maximum.at(u_feasible, extra_i, extra_s - v[extra_j])
    upper_bound = float(u_feasible.sum() + remaining @ v)

    assigned_s = np.full(m, np.nan)
    for i, j, s in zip(edge_i, edge_j, edge_s, strict=True):
        if assigned[i] == j:
            assigned_s[i] = s
    greedy_j, greedy_s = _greedy(score, order, lists, pool.remaining)
    canonical = np.empty(m, dtype=np.int64)
    canonical[order] = np.arange(m)
    matches = tuple(
        Match(
            request_id=request.id,
            city_id=_city(pool, assigned[c]),
            suitability=None if assigned[c] < 0 else float(assigned_s[c]),
            greedy_city_id=_city(pool, greedy_j[c]),
            greedy_suitability=None if greedy_j[c] < 0 else float(greedy_s[c]),
        )
        for request, c in zip(requests, canonical, strict=True)
    )
    return Assignment(
        matches=matches,
        total=float(np.sum(assigned_s[assigned >= 0])),
        greedy_total=float(np.sum(greedy_s[greedy_j >= 0])),
        upper_bound=upper_bound,
        n_pairs=int(edge_s.size),
        n_rounds=rounds,
        n_rescored=rescored,
    )


def _city(pool: CandidatePool, j: int) -> str | None:
    return None if j < 0 else pool.city_ids[j]


@dataclass(frozen=True)
class _Lists:
    """Each request's best pairs, best first (ties by city): j (m, L) candidate indices,
    s (m, L) scores (-inf pads a row with fewer eligible pairs), left_out (m,) the best
    eligible score outside the list (-inf if none)."""

    j: IntArray
    s: FloatArray
    left_out: FloatArray


def _best_pairs(score: Scorer, m: int, n: int, length: int) -> _Lists:
    k = min(length, n)
    top_j = np.zeros((m, k), dtype=np.int64)
    top_s = np.full((m, k), -np.inf)
    left_out = np.full(m, -np.inf)
    for start in range(0, m, BLOCK_ROWS):
        rows = np.arange(start, min(start + BLOCK_ROWS, m))
        scores = score(rows)
        block_rows = np.arange(rows.size)[:, None]
        if n > k:
            partition = np.argpartition(-scores, k, axis=1)
            kept = partition[:, :k]
            left_out[rows] = scores[block_rows[:, 0], partition[:, k]]
        else:
            kept = np.broadcast_to(np.arange(n), scores.shape).copy()
        kept_s = scores[block_rows, kept]
        ranked = np.lexsort((kept, -kept_s), axis=1)
        top_j[rows] = kept[block_rows, ranked]
        top_s[rows] = kept_s[block_rows, ranked]
    return _Lists(j=top_j, s=top_s, left_out=left_out)


def _solve(
    edge_i: IntArray, edge_j: IntArray, edge_s: FloatArray, m: int, remaining: FloatArray
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Optimal matching on the given pairs: city per request (m,) (-1: none), duals u, v."""
    n = remaining.shape[0]
    assigned = np.full(m, -1, dtype=np.int64)
    if edge_s.size == 0:
        return assigned, np.zeros(m), np.zeros(n)
    used, local = np.unique(edge_j, return_inverse=True)
    # More slots than pairs would be columns no request can use.
    slots = np.minimum(remaining[used].astype(np.int64), np.bincount(local))
    first_slot = np.concatenate([[0], np.cumsum(slots)[:-1]])
    n_slots = int(slots.sum())
    per_edge = slots[local]
    rows = np.repeat(edge_i, per_edge)
    offset = np.arange(per_edge.sum()) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    columns = np.repeat(first_slot[local], per_edge) + offset
    # Costs 2 - s lie in [1, 2]: positive (LAPJVsp ignores no edge), and "unassigned" costs 2.
    cost = np.concatenate([np.repeat(2.0 - edge_s, per_edge), np.full(m, 2.0)])
    graph = sp.csr_matrix(
        (
            cost,
            (
                np.concatenate([rows, np.arange(m)]),
                np.concatenate([columns, n_slots + np.arange(m)]),
            ),
        ),
        shape=(m, n_slots + m),
    )
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    slot_owner = np.repeat(np.arange(used.size), slots)
    for i, column in zip(matched_rows, matched_columns, strict=True):
        if column < n_slots:
            assigned[i] = used[slot_owner[column]]
    u, v = _duals(edge_i, edge_j, edge_s, assigned, remaining)
    return assigned, u, v


def _duals(
    edge_i: IntArray,
    edge_j: IntArray,
    edge_s: FloatArray,
    assigned: IntArray,
    remaining: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Dual prices u (m,) and v (n,) proving the matching optimal on the given pairs.

    -v_j is the shortest distance to city j in the residual graph, starting at 0 everywhere:
    request i moving from its city a(i) (or from "unassigned", node n) to city j' changes
    the total by s_ij' - s_ia(i), an arc a(i) -> j' of length s_ia(i) - s_ij'. A city with
    a free slot stays at 0. Then u_i = s_ia(i) - v_a(i), and u_i + v_j >= s_ij - ARC_SLACK on
    every pair (each arc carries ARC_SLACK, so ties broken by rounding form no negative cycle;
    a cycle still negative is a real improvement the solver missed: SolverError).
    """
    m, n = assigned.shape[0], remaining.shape[0]
    assigned_s = np.zeros(m)
    is_assigned = assigned[edge_i] == edge_j
    assigned_s[edge_i[is_assigned]] = edge_s[is_assigned]
    arcs = ~is_assigned
    source = np.where(assigned[edge_i[arcs]] >= 0, assigned[edge_i[arcs]], n)
    target = edge_j[arcs]
    # + ARC_SLACK: a cycle of ties must not look negative through rounding (see ARC_SLACK).
    length = assigned_s[edge_i[arcs]] - edge_s[arcs] + ARC_SLACK
    load = np.bincount(assigned[assigned >= 0], minlength=n)
    pinned = load < remaining  # a free slot: no improving path may end there
    by_target = np.argsort(target, kind="stable")
    source, target, length = source[by_target], target[by_target], length[by_target]
    targets, starts = np.unique(target, return_index=True)
    distance = np.zeros(n + 1)
    for _ in range(n + 2):
        arrival = np.minimum.reduceat(distance[source] + length, starts) if starts.size else starts
        updated = distance.copy()
        updated[targets] = np.minimum(distance[targets], arrival)
        updated[:n][pinned] = 0.0
        if np.array_equal(updated, distance):
            break
        distance = updated
    else:
        raise SolverError(status=-1, message="negative cycle: the matching is not optimal")
    v = -distance[:n]
    u = np.where(assigned >= 0, assigned_s - v[np.maximum(assigned, 0)], 0.0)
    return np.maximum(u, 0.0), v


def _price_rows(
    score: Scorer,
    rows: IntArray,
    listed: IntArray,
    extra: tuple[IntArray, IntArray],
    u: FloatArray,
    v: FloatArray,
    top_k: int,
    bound: FloatArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Pairs of `rows`, outside their kept list and the extra pairs, whose reduced cost
    s_ij - u_i - v_j exceeds TOLERANCE: up to `top_k` per row, most violating first. Writes
    max_j (s_ij - v_j) over those outside pairs into `bound`."""
    extra_i, extra_j = extra
    position = np.full(u.shape[0], -1, dtype=np.int64)
    found_i, found_j, found_s = [], [], []
    for start in range(0, rows.size, BLOCK_ROWS):
        block = rows[start : start + BLOCK_ROWS]
        position[block] = np.arange(block.size)
        scores = score(block)
        scores[np.arange(block.size)[:, None], listed[block]] = -np.inf
        in_block = position[extra_i] >= 0
        scores[position[extra_i[in_block]], extra_j[in_block]] = -np.inf
        position[block] = -1
        scores -= v[None, :]
        bound[block] = np.max(scores, axis=1)
        scores -= u[block, None]
        for r, row in enumerate(block):
            violating = np.flatnonzero(scores[r] > TOLERANCE)
            if violating.size:
                worst = violating[np.argsort(-scores[r, violating], kind="stable")[:top_k]]
                found_i.append(np.full(worst.size, row))
                found_j.append(worst)
                found_s.append(scores[r, worst] + u[row] + v[worst])
    if not found_i:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)


def _greedy(
    score: Scorer, order: list[int], lists: _Lists, remaining: IntArray
) -> tuple[IntArray, FloatArray]:
    """One-by-one matching: requests in the order given take their best city with a free slot.

    Indexed like the canonical (id-sorted) requests. A request whose listed cities are all
    full (or whose pick ties with a left-out pair) is re-scored in full: the rule holds exactly.
    """
    m = lists.j.shape[0]
    free = remaining.copy()
    greedy_j = np.full(m, -1, dtype=np.int64)
    greedy_s = np.full(m, np.nan)
    for c in np.argsort(order):
        pick, value = -1, np.nan
        rescore = np.isfinite(lists.left_out[c])
        for j, s in zip(lists.j[c], lists.s[c], strict=True):
            if np.isfinite(s) and free[j] > 0:
                pick, value = int(j), float(s)
                rescore = s <= lists.left_out[c]
                break
        if rescore:
            scores = score(np.array([c]))[0]
            best = top_indices(scores, np.isfinite(scores) & (free > 0), 1)
            pick, value = (int(best[0]), float(scores[best[0]])) if best.size else (-1, np.nan)
        if pick >= 0:
            free[pick] -= 1
            greedy_j[c], greedy_s[c] = pick, value
    return greedy_j, greedy_s
