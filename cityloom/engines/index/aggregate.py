"""Aggregation up the index tree, and ranks.

Within each group, weights are rescaled to sum to 1 over the children that are available
for the unit (missing children dropped). Methods:

- `amean` sum(w x); `gmean` prod(x^w) (error on x <= 0); `hmean` 1/sum(w/x) (error on 0);
- `genmean` (sum(w x^p))^(1/p) (p != 0; error on x <= 0 with p < 0 or on x < 0);
- `median`: weighted median: the first sorted value whose cumulative weight passes half;
  when it lands exactly on half, the mean of that value and the next (so equal weights
  give the ordinary median);
- `copeland`: for each pair of units, the weight of children where one beats the other
  (ties count half, missing ignored); a pair is won above 1/2 and lost below; the score is
  wins minus losses. It compares every pair of units, so it costs O(n_units^2).

`C` is `(n_units, n_children)`, results `(n_units, n_groups)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .errors import NoDataError, NonPositiveValueError, PipelineKeyError, WeightError
from .framework import Framework, LevelGroups

AGGREGATION_METHODS = ("amean", "gmean", "hmean", "genmean", "median", "copeland")
# Weighted sums of 0.5 built from decimal weights are not exact in binary: a tie at one
# half is decided with this tolerance rather than by rounding noise.
_HALF_TOL = 1e-12


def _first_bad(
    mask: npt.NDArray[np.bool_],
    C: npt.NDArray[np.float64],
    unit_codes: Sequence[str] | npt.NDArray[np.str_],
    child_codes: Sequence[str],
    method: str,
    offset: int = 0,
) -> None:
    """Raise for the first True of `mask`; `offset` is the row of `C`'s first unit."""
    if mask.any():
        i, j = np.argwhere(mask)[0]
        unit = unit_codes[offset + i] if len(unit_codes) else str(offset + i)
        raise NonPositiveValueError(
            unit=str(unit), code=child_codes[j], value=float(C[i, j]), method=method
        )


def _weighted_median(
    C: npt.NDArray[np.float64], w: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    n, m = C.shape
    order = np.argsort(C, axis=1, kind="stable")  # NaN sort last
    xs = np.take_along_axis(C, order, axis=1)
    ws = np.where(np.isnan(xs), 0.0, w[order])
    total = ws.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cum = np.cumsum(ws, axis=1) / total
    rows = np.arange(n)
    above = cum > 0.5 + _HALF_TOL
    first = np.argmax(above, axis=1)
    at_half = np.abs(cum - 0.5) <= _HALF_TOL
    has_half = at_half.any(axis=1)
    half_idx = np.argmax(at_half, axis=1)
    out = xs[rows, first]
    # The value after the half-way point is the next one with positive weight.
    after = np.where(ws > 0, np.arange(m), m)
    after = np.where(np.arange(m) > half_idx[:, None], after, m).min(axis=1)
    nxt = np.where(after < m, after, half_idx)
    out = np.where(has_half, (xs[rows, half_idx] + xs[rows, nxt]) / 2, out)
    out[total[:, 0] == 0] = np.nan
    return out


def copeland(
    C: npt.NDArray[np.float64], w: npt.NDArray[np.float64], *, chunk: int = 2048
) -> npt.NDArray[np.float64]:
    """Copeland scores of the units over the children `C` `(n, m)` with weights `(m,)`."""
    n, m = C.shape
    w = w / w.sum()
    score = np.zeros(n)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        s = np.zeros((stop - start, n))
        for k in range(m):
            a = C[start:stop, k][:, None]
            b = C[:, k][None, :]
            s += w[k] * ((a > b) + 0.5 * (a == b))
        sign = np.where(s > 0.5 + _HALF_TOL, 1.0, np.where(s < 0.5 - _HALF_TOL, -1.0, 0.0))
        # COINr computes each pair once (i < j) and takes 1 - s for the other order;
        # with missing values the two can differ, so keep only the upper triangle.
        rows = np.arange(start, stop)[:, None]
        upper = np.where(np.arange(n)[None, :] > rows, sign, 0.0)
        score[start:stop] += upper.sum(axis=1)
        score -= upper.sum(axis=0)
    return score


# Units aggregated at a time by the row-wise methods: the temporaries stay a few MB.
_ROW_CHUNK = 2_048


def aggregate_groups(
    C: npt.NDArray[np.float64],
    parent_index: npt.NDArray[np.intp],
    n_groups: int,
    weights: npt.NDArray[np.float64],
    *,
    method: str = "amean",
    p: float = 2.0,
    dat_thresh: float | None = None,
    unit_codes: Sequence[str] | npt.NDArray[np.str_] = (),
    child_codes: Sequence[str] = (),
) -> npt.NDArray[np.float64]:
    """Aggregate children `C` `(n, m)` into `n_groups` parents; `parent_index` is `(m,)`.

    Every method but copeland is computed unit by unit: the units are taken a chunk at a
    time, so no temporary is as large as `C`.
    """
    n, m = C.shape
    if method not in AGGREGATION_METHODS:
        raise PipelineKeyError("aggregate.method", f"unknown method {method!r}")
    groups = _Groups(parent_index, n_groups)
    codes = child_codes or [f"x{j}" for j in range(m)]
    if method == "copeland" or n <= _ROW_CHUNK:
        return _aggregate_rows(C, groups, weights, method, p, dat_thresh, unit_codes, codes, 0)
    out = np.empty((n, n_groups))
    for start in range(0, n, _ROW_CHUNK):
        rows = slice(start, min(n, start + _ROW_CHUNK))
        out[rows] = _aggregate_rows(
            C[rows], groups, weights, method, p, dat_thresh, unit_codes, codes, start
        )
    return out


class _Groups:
    """Children sorted by group, for segment sums over columns."""

    def __init__(self, parent_index: npt.NDArray[np.intp], n_groups: int) -> None:
        self.parent_index = parent_index
        self.n_groups = n_groups
        self.perm = np.argsort(parent_index, kind="stable")
        self.sizes = np.bincount(parent_index, minlength=n_groups)
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])

    def sum(self, M: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        # Children belong to one group each: sums per group are segment sums over columns
        # sorted by group (no matrix product, which small BLAS calls make slow).
        return np.add.reduceat(M[:, self.perm], self.starts, axis=1)


def _aggregate_rows(
    C: npt.NDArray[np.float64],
    groups: _Groups,
    weights: npt.NDArray[np.float64],
    method: str,
    p: float,
    dat_thresh: float | None,
    unit_codes: Sequence[str] | npt.NDArray[np.str_],
    codes: Sequence[str],
    offset: int,
) -> npt.NDArray[np.float64]:
    """`aggregate_groups` of the units `C` (rows `offset`... of the whole matrix)."""
    n = C.shape[0]
    n_groups, parent_index, group_sum = groups.n_groups, groups.parent_index, groups.sum
    avail = ~np.isnan(C)
    af = avail.astype(np.float64)
    wsum = group_sum(af * weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "amean":
            out = group_sum(np.where(avail, C, 0.0) * weights) / wsum
        elif method == "gmean":
            _first_bad(avail & ~(C > 0), C, unit_codes, codes, "gmean", offset)
            out = np.exp(group_sum(np.log(np.where(avail, C, 1.0)) * weights) / wsum)
        elif method == "hmean":
            _first_bad(avail & (C == 0), C, unit_codes, codes, "hmean", offset)
            out = wsum / group_sum(np.where(avail, 1.0 / C, 0.0) * weights)
        elif method == "genmean":
            if p == 0:
                raise PipelineKeyError("aggregate.p", "p = 0 is the geometric mean: use gmean")
            bad = avail & ((C < 0) | ((C == 0) & (p < 0)))
            _first_bad(bad, C, unit_codes, codes, f"genmean (p={p:g})", offset)
            out = (group_sum(np.where(avail, C**p, 0.0) * weights) / wsum) ** (1.0 / p)
        elif method == "median":
            out = np.full((n, n_groups), np.nan)
            for g in range(n_groups):
                cols = np.flatnonzero(parent_index == g)
                out[:, g] = _weighted_median(C[:, cols], weights[cols])
        else:  # copeland
            out = np.empty((n, n_groups))
            for g in range(n_groups):
                cols = np.flatnonzero(parent_index == g)
                out[:, g] = copeland(C[:, cols], weights[cols])
            out[group_sum(af) == 0] = np.nan
    out[wsum == 0] = np.nan
    if dat_thresh is not None:
        share = group_sum(af) / groups.sizes
        out[share < dat_thresh] = np.nan
    return out


def _per_level(
    framework: Framework,
    methods: Sequence[str] | str,
    dat_thresh: float | Sequence[float | None] | None,
) -> tuple[list[str], list[float | None]]:
    """One method and one threshold per level above indicators."""
    n_up = framework.n_levels - 1
    level_methods = [methods] * n_up if isinstance(methods, str) else list(methods)
    if len(level_methods) != n_up:
        raise PipelineKeyError(
            "aggregate.method", f"give one method, or one per level above indicators ({n_up})"
        )
    threshs = (
        [dat_thresh] * n_up
        if dat_thresh is None or isinstance(dat_thresh, int | float)
        else list(dat_thresh)
    )
    if len(threshs) != n_up:
        raise PipelineKeyError("aggregate.dat_thresh", f"give one value or one per level ({n_up})")
    return level_methods, threshs


def aggregate_tree(
    X: npt.NDArray[np.float64],
    framework: Framework,
    *,
    methods: Sequence[str] | str = "amean",
    weights: Mapping[str, float] | None = None,
    p: float = 2.0,
    dat_thresh: float | Sequence[float | None] | None = None,
    unit_codes: Sequence[str] | npt.NDArray[np.str_] = (),
) -> npt.NDArray[np.float64]:
    """Aggregate normalised indicators `X` `(n, n_indicators)` up every level.

    `methods` and `dat_thresh` may give one value per level above indicators. Returns
    `(n, n_aggregates)` in `framework.aggregate_codes` order.
    """
    level_methods, threshs = _per_level(framework, methods, dat_thresh)
    n = X.shape[0]
    position = {c: i for i, c in enumerate(framework.aggregate_codes)}
    out = np.empty((n, len(framework.aggregate_codes)))
    below = X
    for groups, method, thresh in zip(framework.levels, level_methods, threshs, strict=True):
        w = framework.weights_at(groups.level - 1, weights)
        totals = np.bincount(groups.parent_index, weights=w, minlength=len(groups.parent_codes))
        if (totals == 0).any():
            code = groups.parent_codes[int(np.flatnonzero(totals == 0)[0])]
            raise WeightError("the weights of its children sum to zero", code=code)
        values = aggregate_groups(
            below,
            groups.parent_index,
            len(groups.parent_codes),
            w,
            method=method,
            p=p,
            dat_thresh=thresh,
            unit_codes=unit_codes,
            child_codes=groups.child_codes,
        )
        out[:, [position[c] for c in groups.parent_codes]] = values
        below = values
    if n and len(unit_codes):
        empty = np.isnan(out).all(axis=1)
        if empty.any():
            raise NoDataError(step="aggregate", unit=str(unit_codes[int(np.flatnonzero(empty)[0])]))
    return out


class BatchUnsupported(Exception):
    """`aggregate_runs` cannot batch this case: build each run on its own instead."""


# Methods that are a weighted sum of transformed children, batched as matrix products.
_LINEAR = ("amean", "gmean", "hmean", "genmean")


def aggregate_runs(
    X: npt.NDArray[np.float64],
    framework: Framework,
    level_weights: Sequence[npt.NDArray[np.float64]],
    *,
    n_runs: int,
    target: str,
    methods: Sequence[str] | str = "amean",
    p: float = 2.0,
    dat_thresh: float | Sequence[float | None] | None = None,
    unit_codes: Sequence[str] | npt.NDArray[np.str_] = (),
) -> npt.NDArray[np.float64]:
    """Scores of `target` `(n_runs, n_units)` for many weight sets at once.

    `X` `(n_units, n_indicators)` is aggregated as by `aggregate_tree`; `level_weights`
    gives, per level above indicators, the raw weights of its children: `(m,)` when every
    run shares them, `(n_runs, m)` when they vary. Levels below the first varying one are
    computed once, exactly as `aggregate_tree` does; from there on each level is a matrix
    product of the children by every run's weights.

    Raises `BatchUnsupported` for anything it does not batch (median or copeland above
    the first varying level, an invalid value or weight): the caller then builds each run
    on its own, which gives the usual result or error.
    """
    level_methods, threshs = _per_level(framework, methods, dat_thresh)
    below = X
    for groups, method, thresh, w in zip(
        framework.levels, level_methods, threshs, level_weights, strict=True
    ):
        n_groups = len(groups.parent_codes)
        if below.ndim == 2 and w.ndim == 1:
            if (np.bincount(groups.parent_index, weights=w, minlength=n_groups) == 0).any():
                raise BatchUnsupported("weights summing to zero")
            values = aggregate_groups(
                below,
                groups.parent_index,
                n_groups,
                w,
                method=method,
                p=p,
                dat_thresh=thresh,
                unit_codes=unit_codes,
                child_codes=groups.child_codes,
            )
        else:
            W = np.broadcast_to(w, (n_runs, w.shape[-1]))
            values = _aggregate_batched(below, groups, W, method, p, thresh)
        if target in groups.parent_codes:
            col = groups.parent_codes.index(target)
            if values.ndim == 2:
                return np.repeat(values[np.newaxis, :, col], n_runs, axis=0)
            return np.ascontiguousarray(values[:, :, col])
        below = values
    raise BatchUnsupported(f"{target!r} is not an aggregate")


def _aggregate_batched(
    C: npt.NDArray[np.float64],
    groups: LevelGroups,
    W: npt.NDArray[np.float64],
    method: str,
    p: float,
    dat_thresh: float | None,
) -> npt.NDArray[np.float64]:
    """One level for every run: `C` is `(n, m)` (shared) or `(R, n, m)`, `W` `(R, m)`.

    Returns `(R, n, n_groups)`.
    """
    if method not in _LINEAR or (method == "genmean" and p == 0):
        raise BatchUnsupported(method)
    avail = ~np.isnan(C)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "amean":
            T = np.where(avail, C, 0.0)
        elif method == "gmean":
            bad = avail & ~(C > 0)
            T = np.log(np.where(avail, C, 1.0))
        elif method == "hmean":
            bad = avail & (C == 0)
            T = np.where(avail, 1.0 / C, 0.0)
        else:
            bad = avail & ((C < 0) | ((C == 0) & (p < 0)))
            T = np.where(avail, C**p, 0.0)
    if method != "amean" and bad.any():
        raise BatchUnsupported("a value the method does not accept")
    n_runs = W.shape[0]
    n_groups = len(groups.parent_codes)
    n = C.shape[-2]
    af = avail.astype(np.float64) if not avail.all() else None
    # Per group, every run's weighted sum at once; einsum's own loops, not BLAS (whose
    # threads cost more than these small products).
    spec = "nc,rc->rn" if C.ndim == 2 else "rnc,rc->rn"
    num = np.empty((n_runs, n, n_groups))
    wsum = np.empty((n_runs, 1 if af is None else n, n_groups))
    sizes = np.empty(n_groups)
    for g in range(n_groups):
        cols = np.flatnonzero(groups.parent_index == g)
        sizes[g] = cols.size
        Wg = np.ascontiguousarray(W[:, cols])
        totals = Wg.sum(axis=1)
        if (totals == 0).any():
            raise BatchUnsupported("weights summing to zero")
        num[:, :, g] = np.einsum(spec, T[..., cols], Wg)
        wsum[:, :, g] = totals[:, np.newaxis] if af is None else np.einsum(spec, af[..., cols], Wg)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "amean":
            out = num / wsum
        elif method == "gmean":
            out = np.exp(num / wsum)
        elif method == "hmean":
            out = wsum / num
        else:
            out = (num / wsum) ** (1.0 / p)
    if af is not None:
        out[np.broadcast_to(wsum == 0, out.shape)] = np.nan
    if dat_thresh is not None:
        counts = (
            sizes
            if af is None
            else np.stack(
                [af[..., groups.parent_index == g].sum(axis=-1) for g in range(n_groups)], axis=-1
            )
        )
        out[np.broadcast_to(counts / sizes < dat_thresh, out.shape)] = np.nan
    return out


# Values ranked at a time (columns x units): temporaries of a few MB, reused, rather
# than fresh full-size pages for each step.
_RANK_CELLS = 1 << 18


def rank_descending(V: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Ranks of each column of `V` `(n, m)`: 1 is best, ties share the lowest, NaN stays.

    Values are compared at 12 significant digits so that equal scores reached by
    different summation orders tie, as they do mathematically. Tied values get the same
    rank whatever their order, so the sort need not be stable (the faster one is used);
    it runs along contiguous rows of the transposed keys, a few columns at a time.
    """
    n, m = V.shape
    if n == 0:
        return V.copy()
    out = np.empty((n, m))
    step = max(1, _RANK_CELLS // n)
    for j0 in range(0, m, step):
        out[:, j0 : j0 + step] = _rank_columns(V[:, j0 : j0 + step]).T
    return out


def _rank_columns(V: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """`rank_descending` of `V` `(n, m)`, returned transposed `(m, n)`."""
    m, n = V.shape[1], V.shape[0]
    K = np.array(V.T, order="C")  # (m, n): one column of V per row
    missing = np.isnan(K)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.max(np.abs(np.where(missing, 0.0, K)), axis=1)
        digits = np.where(scale > 0, 11 - np.floor(np.log10(np.where(scale > 0, scale, 1.0))), 0)
        step = (10.0**-digits)[:, None]
        # key = -round(V / step) * step, in place
        np.divide(K, step, out=K)
        np.round(K, out=K)
        np.negative(K, out=K)
        np.multiply(K, step, out=K)
    order = np.argsort(K, axis=1)  # best first, NaN last
    srt = np.take_along_axis(K, order, axis=1)
    new = np.ones((m, n), dtype=bool)
    np.not_equal(srt[:, 1:], srt[:, :-1], out=new[:, 1:])
    first = np.where(new, np.arange(n), 0)
    rank_sorted = np.maximum.accumulate(first, axis=1) + 1.0
    out = np.empty((m, n))
    np.put_along_axis(out, order, rank_sorted, axis=1)
    out[missing] = np.nan
    return out
