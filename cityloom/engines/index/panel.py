"""Editions over time: values per unit and year, and trends (compound annual growth)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .pipeline import IndexResult


def cagr(
    values: npt.NDArray[np.float64], years: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Compound annual growth rate per row over its non-missing points.

    `values` is `(n_units, n_years)`, `years` `(n_years,)` increasing. Uses the first and
    last available points: (last / first)^(1 / (t_last - t_first)) - 1. NaN with fewer
    than two points or a non-positive ratio.
    """
    ok = ~np.isnan(values)
    n, t = values.shape
    idx = np.arange(t)
    first = np.where(ok, idx, t).min(axis=1)
    last = np.where(ok, idx, -1).max(axis=1)
    valid = (first < t) & (last > first)
    rows = np.arange(n)
    f = np.clip(first, 0, t - 1)
    la = np.clip(last, 0, t - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = values[rows, la] / values[rows, f]
        span = years[la] - years[f]
        out = ratio ** (1.0 / span) - 1
    out[~valid | ~(ratio > 0)] = np.nan
    return out


def by_year(
    result: IndexResult, code: str
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Scores of an aggregate or indicator as `(n_units, n_years)` (NaN where absent)."""
    assert result.times is not None, "not a panel"
    fw = result.framework
    if code in fw.aggregate_codes:
        v = result.score(code)
    else:
        v = result.stages["Normalised"].X[:, fw.indicator_codes.index(code)]
    units, ui = np.unique(result.unit_codes, return_inverse=True)
    years, yi = np.unique(result.times, return_inverse=True)
    table = np.full((units.size, years.size), np.nan)
    table[ui, yi] = v
    return units, years, table


def trends(result: IndexResult, code: str) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]]:
    """CAGR per unit of one code across the editions of a panel."""
    units, years, table = by_year(result, code)
    return units, cagr(table, years.astype(np.float64))
