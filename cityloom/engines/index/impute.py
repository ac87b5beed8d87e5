"""Impute missing values: by column, within a group of units, or along a unit's row.

`X` is `(n_units, n_indicators)`, NaN = missing. Available values never change.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

STATS = ("mean", "median")


def _column_stat(X: npt.NDArray[np.float64], stat: str) -> npt.NDArray[np.float64]:
    with warnings.catch_warnings():
        # A column with no data at all stays missing: the caller reports it.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(X, axis=0) if stat == "mean" else np.nanmedian(X, axis=0)


def impute_column(X: npt.NDArray[np.float64], *, stat: str = "mean") -> npt.NDArray[np.float64]:
    """Fill each gap with the column's mean or median over available units."""
    fill = _column_stat(X, stat)
    return np.where(np.isnan(X), fill[np.newaxis, :], X)


# Rows summed at a time by group: bounds the temporaries to a few MB whatever the
# number of units.
_ROW_CHUNK = 4_096


def _group_sums(
    Z: npt.NDArray[np.float64], code: npt.NDArray[np.intp], n_groups: int
) -> npt.NDArray[np.float64]:
    """Column sums of `Z` `(n, k)` per group: `(n_groups, k)`; rows with code -1 are skipped.

    One `bincount` over every (group, column) cell of a chunk of rows: each cell is summed
    in row order, as one `bincount` per column would, without a full-size temporary.
    """
    n, k = Z.shape
    cells = n_groups * k
    sums = np.zeros(cells)
    for start in range(0, n, _ROW_CHUNK):
        c = code[start : start + _ROW_CHUNK]
        # Rows without a group go to one extra cell, dropped at the end.
        cell = np.where(c >= 0, c * k, cells)[:, None] + np.arange(k)
        np.minimum(cell, cells, out=cell)
        block = np.ascontiguousarray(Z[start : start + _ROW_CHUNK])
        sums += np.bincount(cell.ravel(), weights=block.ravel(), minlength=cells + 1)[:cells]
    return sums.reshape(n_groups, k)


def impute_group(
    X: npt.NDArray[np.float64], groups: npt.NDArray[np.object_], *, stat: str = "mean"
) -> npt.NDArray[np.float64]:
    """Fill each gap with the statistic of the column within the unit's group.

    `groups` is `(n_units,)`; a unit without a group (None) is left missing.
    """
    out = X.copy()
    missing = np.isnan(X)
    if not missing.any():
        return out
    has_group = np.not_equal(groups, None)
    labels = np.where(has_group, groups, "").astype(str)
    if stat == "mean":
        # All columns at once, in one pass over the rows: gaps count as zero in the sums
        # and are subtracted from the group sizes in the counts.
        uniq, inverse = np.unique(labels[has_group], return_inverse=True)
        g, k = uniq.size, X.shape[1]
        code = np.full(X.shape[0], -1, dtype=np.intp)
        code[has_group] = inverse
        gap_rows, gap_cols = np.nonzero(missing)
        out[gap_rows, gap_cols] = 0.0
        sums = _group_sums(out, code, g)
        gap_code = code[gap_rows]
        grouped = gap_code >= 0
        gaps_per_group = np.bincount(
            gap_code[grouped] * k + gap_cols[grouped], minlength=g * k
        ).reshape(g, k)
        counts = (np.bincount(inverse, minlength=g)[:, None] - gaps_per_group).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        fill = np.full(gap_rows.size, np.nan)
        fill[grouped] = means[gap_code[grouped], gap_cols[grouped]]
        out[gap_rows, gap_cols] = fill
        return out
    for label in np.unique(labels[has_group]):
        rows = np.flatnonzero(labels == label)
        block = X[rows]
        gaps = np.isnan(block)
        if gaps.any():
            fill = _column_stat(block, stat)
            out[rows] = np.where(gaps, fill[np.newaxis, :], block)
    return out


def impute_row(
    X: npt.NDArray[np.float64], directions: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Fill a unit's gaps with the mean of its own row, on a min-max [0, 1] scale.

    Columns are direction-adjusted and min-max scaled first so that indicators on
    different scales can be averaged, then the filled values are scaled back.
    """
    missing = np.isnan(X)
    if not missing.any():
        return X.copy()
    signed = X * directions[np.newaxis, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(signed, axis=0)
        hi = np.nanmax(signed, axis=0)
        scaled = (signed - lo) / (hi - lo)
        row_mean = np.nanmean(scaled, axis=1)
    filled = row_mean[:, np.newaxis] * (hi - lo)[np.newaxis, :] + lo[np.newaxis, :]
    filled = filled * directions[np.newaxis, :]
    return np.where(missing, filled, X)
