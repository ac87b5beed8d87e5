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
        # Sums per group in one pass (no loop over groups: panels of many cities).
        uniq, code = np.unique(labels[has_group], return_inverse=True)
        rows_g = np.flatnonzero(has_group)
        present = ~missing[rows_g]
        values = X[rows_g]
        g = uniq.size
        sums = (
            np.column_stack(
                [
                    np.bincount(
                        code, weights=np.where(present[:, j], values[:, j], 0.0), minlength=g
                    )
                    for j in range(X.shape[1])
                ]
            )
            if X.shape[1]
            else np.zeros((g, 0))
        )
        counts = (
            np.column_stack(
                [np.bincount(code, weights=present[:, j], minlength=g) for j in range(X.shape[1])]
            )
            if X.shape[1]
            else np.zeros((g, 0))
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        out[rows_g] = np.where(missing[rows_g], means[code], X[rows_g])
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
