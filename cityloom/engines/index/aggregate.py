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
from .framework import Framework

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
) -> None:
    if mask.any():
        i, j = np.argwhere(mask)[0]
        raise NonPositiveValueError(
            unit=str(unit_codes[i]), code=child_codes[j], value=float(C[i, j]), method=method
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
    """Aggregate children `C` `(n, m)` into `n_groups` parents; `parent_index` is `(m,)`."""
    n, m = C.shape
    if method not in AGGREGATION_METHODS:
        raise PipelineKeyError("aggregate.method", f"unknown method {method!r}")
    # Children belong to one group each: sums per group are segment sums over columns
    # sorted by group (no matrix product, which small BLAS calls make slow).
    perm = np.argsort(parent_index, kind="stable")
    sizes = np.bincount(parent_index, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def group_sum(M: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.add.reduceat(M[:, perm], starts, axis=1)

    avail = ~np.isnan(C)
    codes = child_codes or [f"x{j}" for j in range(m)]
    units = unit_codes if len(unit_codes) else [str(i) for i in range(n)]
    af = avail.astype(np.float64)
    wsum = group_sum(af * weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "amean":
            out = group_sum(np.where(avail, C, 0.0) * weights) / wsum
        elif method == "gmean":
            _first_bad(avail & ~(C > 0), C, units, codes, "gmean")
            out = np.exp(group_sum(np.log(np.where(avail, C, 1.0)) * weights) / wsum)
        elif method == "hmean":
            _first_bad(avail & (C == 0), C, units, codes, "hmean")
            out = wsum / group_sum(np.where(avail, 1.0 / C, 0.0) * weights)
        elif method == "genmean":
            if p == 0:
                raise PipelineKeyError("aggregate.p", "p = 0 is the geometric mean: use gmean")
            bad = avail & ((C < 0) | ((C == 0) & (p < 0)))
            _first_bad(bad, C, units, codes, f"genmean (p={p:g})")
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
        share = group_sum(af) / sizes
        out[share < dat_thresh] = np.nan
    return out


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


def rank_descending(V: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Ranks of each column of `V` `(n, m)`: 1 is best, ties share the lowest, NaN stays.

    Values are compared at 12 significant digits so that equal scores reached by
    different summation orders tie, as they do mathematically.
    """
    n, m = V.shape
    if n == 0:
        return V.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.nanmax(np.abs(np.where(np.isnan(V), 0.0, V)), axis=0)
        digits = np.where(scale > 0, 11 - np.floor(np.log10(np.where(scale > 0, scale, 1.0))), 0)
        step = 10.0**-digits
        key = -np.round(V / step) * step
    order = np.argsort(key, axis=0, kind="stable")  # best first, NaN last
    srt = np.take_along_axis(key, order, axis=0)
    new = np.ones((n, m), dtype=bool)
    new[1:] = srt[1:] != srt[:-1]
    first = np.where(new, np.arange(n)[:, None], 0)
    rank_sorted = np.maximum.accumulate(first, axis=0) + 1.0
    out = np.empty((n, m))
    np.put_along_axis(out, order, rank_sorted, axis=0)
    out[np.isnan(V)] = np.nan
    return out
