"""Outlier treatment: COINr's winsorisation rule with the log fallback.

Per indicator, missing values ignored:

1. pass when |skew| < `skew` or kurt < `kurt` (bias-corrected, as pandas' skew/kurt);
2. while failing and fewer than `winmax` points are winsorised: if skew >= 0 every copy of
   the maximum becomes the largest remaining value, else every copy of the minimum the
   smallest remaining value. The count is the number of points tied at the clipped
   extreme, so one step can pass `winmax` (COINr's behaviour, kept for parity);
3. if still failing, `log(x - min + 0.01 (max - min))` of the original column (or of the
   winsorised one with `combine`), kept even if it still fails.

All columns are treated at once: each loop step works on the columns still failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Indicators copied out of `(n_units, n_indicators)` at a time, one row each: every
# reduction then runs over contiguous memory, and the copies stay a few MB (at least 8
# indicators, more when there are few units).
_BLOCK_CELLS = 1 << 20


def _block(n_units: int) -> int:
    return max(8, _BLOCK_CELLS // max(1, n_units))


def _skew_kurt_rows(
    T: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """`skew_kurt` of the rows of `T` `(k, n)` (rows contiguous: the fast layout)."""
    present = ~np.isnan(T)
    n = present.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        # d = T - mean with missing values as 0, in one array (the sums of np.nansum).
        d = np.where(present, T, 0.0)
        mean = d.sum(axis=1) / n
        np.subtract(d, mean[:, None], out=d)
        np.multiply(d, present, out=d)
        d2 = d * d
        s2 = d2.sum(axis=1)
        s3 = np.einsum("ij,ij->i", d2, d)
        s4 = np.einsum("ij,ij->i", d2, d2)
    return _skew_kurt_from_sums(n, s2, s3, s4)


def _skew_kurt_from_sums(
    n: npt.NDArray[np.float64],
    s2: npt.NDArray[np.float64],
    s3: npt.NDArray[np.float64],
    s4: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Skew and kurtosis from the counts and the sums of centred powers 2, 3 and 4."""
    with np.errstate(invalid="ignore", divide="ignore"):
        skew = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / (s2 * s2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    # No spread: R's formulas give NaN too (0/0); keep them NaN, never +-inf.
    flat = ~(s2 > 0)
    skew[(n < 3) | flat] = np.nan
    kurt[(n < 4) | flat] = np.nan
    return skew, kurt


# Values per piece in `_skew_kurt_dense` (three temporaries of 64 KB).
_DENSE_CHUNK = 8_192


def _skew_kurt_dense(v: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Skew and kurtosis of the values `v` `(n,)`, none missing (one indicator's).

    The formulas of `_skew_kurt_from_sums`, on scalars (called once per step).
    """
    n = np.float64(v.size)
    mean = v.sum() / n
    s2 = s3 = s4 = np.float64(0.0)
    # A cache-sized piece at a time: the centred powers never leave the CPU cache.
    for start in range(0, v.size, _DENSE_CHUNK):
        d = v[start : start + _DENSE_CHUNK] - mean
        d2 = d * d
        s2 += d2.sum()
        s3 += np.einsum("i,i->", d2, d)
        s4 += np.einsum("i,i->", d2, d2)
    if not s2 > 0 or n < 3:
        return math.nan, math.nan
    # NumPy scalars: an underflow to 0 or an overflow gives inf or NaN, as for arrays.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        skew = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        if n < 4:
            return float(skew), math.nan
        r = n * s4 / (s2 * s2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(skew), float(kurt)


def _passes_one(skew: float, kurt: float, skew_thresh: float, kurt_thresh: float) -> bool:
    """`passes` for one indicator, on plain floats."""
    return abs(skew) < skew_thresh or kurt < kurt_thresh or math.isnan(skew) or math.isnan(kurt)


def skew_kurt(
    X: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Bias-corrected sample skewness and excess kurtosis of each column, NaN ignored.

    `X` is `(n_units, n_columns)`; both results are `(n_columns,)`. A column with fewer than
    3 (skew) or 4 (kurtosis) values, or with no spread, gives NaN.
    """
    k = X.shape[1]
    skew, kurt = np.empty(k), np.empty(k)
    block = _block(X.shape[0])
    for j0 in range(0, k, block):
        j1 = min(k, j0 + block)
        skew[j0:j1], kurt[j0:j1] = _skew_kurt_rows(np.ascontiguousarray(X[:, j0:j1].T))
    return skew, kurt


def passes(
    skew: npt.NDArray[np.float64],
    kurt: npt.NDArray[np.float64],
    skew_thresh: npt.NDArray[np.float64],
    kurt_thresh: npt.NDArray[np.float64],
) -> npt.NDArray[np.bool_]:
    """COINr's check: |skew| < threshold OR kurtosis < threshold. NaN counts as a pass.

    (COINr returns the column untreated when the check is NA.)
    """
    with np.errstate(invalid="ignore"):
        ok = (np.abs(skew) < skew_thresh) | (kurt < kurt_thresh)
    return ok | np.isnan(skew) | np.isnan(kurt)


# Codes of treated points (bit flags): what COINr writes as "winhi", "winlo", "log_CT".
WINHI, WINLO, LOG = 1, 2, 4


@dataclass(frozen=True)
class TreatReport:
    """What treatment did, per indicator (arrays `(n_indicators,)`) and per point.

    `nwin` is NaN where winsorisation was not attempted; `*1` fields are after
    winsorisation, `*2` after the log transform (NaN where not reached).
    `point_codes` is `(n_units, n_indicators)` of WINHI/WINLO/LOG bit flags.
    """

    codes: tuple[str, ...]
    treated: npt.NDArray[np.bool_]
    pass0: npt.NDArray[np.bool_]
    skew0: npt.NDArray[np.float64]
    kurt0: npt.NDArray[np.float64]
    nwin: npt.NDArray[np.float64]
    pass1: npt.NDArray[np.float64]
    skew1: npt.NDArray[np.float64]
    kurt1: npt.NDArray[np.float64]
    log: npt.NDArray[np.bool_]
    pass2: npt.NDArray[np.float64]
    skew2: npt.NDArray[np.float64]
    kurt2: npt.NDArray[np.float64]
    point_codes: npt.NDArray[np.int8]

    @property
    def points(self) -> npt.NDArray[np.object_]:
        """COINr's labels per point: "", "winhi", "winlo", "log_CT", "winhi+log_CT"..."""
        labels = np.array(
            ["", "winhi", "winlo", "", "log_CT", "winhi+log_CT", "winlo+log_CT"], dtype=object
        )
        return labels[self.point_codes]


def winsorise(
    X: npt.NDArray[np.float64],
    *,
    winmax: npt.NDArray[np.float64],
    skew_thresh: npt.NDArray[np.float64],
    kurt_thresh: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """Winsorise every column of `X` `(n, k)` that fails the check; thresholds are `(k,)`.

    Returns the winsorised copy, the count of winsorised points `(k,)`, and the point codes
    `(n, k)` (WINHI for points set to the next value down, WINLO up).
    """
    out = X.copy()
    k = X.shape[1]
    nwin = np.zeros(k)
    flags = np.zeros(X.shape, dtype=np.int8)
    block = _block(X.shape[0])
    for j0 in range(0, k, block):
        j1 = min(k, j0 + block)
        T = np.array(X[:, j0:j1].T, order="C")  # a copy: T is modified in place
        skew, kurt = _skew_kurt_rows(T)
        for r in np.flatnonzero(~passes(skew, kurt, skew_thresh[j0:j1], kurt_thresh[j0:j1])):
            j = j0 + r
            nwin[j], _, _ = _winsorise_row(
                T[r], flags[:, j], winmax[j], skew_thresh[j], kurt_thresh[j], skew[r], kurt[r]
            )
        out[:, j0:j1] = T.T
    return out, nwin, flags


def _winsorise_row(
    row: npt.NDArray[np.float64],
    flags: npt.NDArray[np.int8],
    winmax: float,
    skew_thresh: float,
    kurt_thresh: float,
    skew: float,
    kurt: float,
) -> tuple[float, float, float]:
    """Winsorise one indicator `row` `(n,)` in place, and write its point `flags` `(n,)`.

    `skew` and `kurt` are the row's current values (computed once by the caller). Returns
    the count of winsorised points and the skew and kurtosis after the last step. The
    steps work on the available values only, copied once: missing values never move.
    """
    present = np.flatnonzero(~np.isnan(row))
    v = row[present]
    high = low = np.zeros(0, dtype=np.intp)  # positions in `v` of the last clipped points
    nwin = 0
    while not _passes_one(skew, kurt, skew_thresh, kurt_thresh) and nwin < winmax:
        # The failing check has spread, so `at` never covers every value.
        if skew >= 0:
            at = np.flatnonzero(v == v.max())
            v[at] = -np.inf
            v[at] = v.max()
            high = at
        else:
            at = np.flatnonzero(v == v.min())
            v[at] = np.inf
            v[at] = v.min()
            low = at
        # COINr keeps the last set of positions of each side: the clipped points of
        # earlier steps are tied at the new extreme, so they are in it again.
        nwin = high.size + low.size
        skew, kurt = _skew_kurt_dense(v)
    row[present] = v
    flags[:] = 0
    flags[present[high]] = WINHI
    flags[present[low]] |= np.int8(WINLO)
    return float(nwin), skew, kurt


def log_ct(X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """COIN Tool log of each column: `log(x - min + 0.01 (max - min))`."""
    lo = np.nanmin(X, axis=0)
    hi = np.nanmax(X, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(X - lo + 0.01 * (hi - lo))


def treat(
    X: npt.NDArray[np.float64],
    *,
    codes: tuple[str, ...],
    active: npt.NDArray[np.bool_],
    winmax: npt.NDArray[np.float64],
    skew_thresh: npt.NDArray[np.float64],
    kurt_thresh: npt.NDArray[np.float64],
    combine: bool = False,
) -> tuple[npt.NDArray[np.float64], TreatReport]:
    """Treat the columns of `X` `(n, k)` where `active`; settings are `(k,)` arrays.

    `winmax` = inf means no limit. Returns the treated copy and the report.

    Indicators are taken `_BLOCK` at a time into a small transposed copy (one row each);
    skew and kurtosis are computed once per column and after each step that changes it,
    winsorisation and the log work in place on that copy, and only blocks with a treated
    indicator are written back into the result.
    """
    n, k = X.shape
    out = X.copy()
    nan_k = np.full(k, np.nan)
    skew0, kurt0 = nan_k.copy(), nan_k.copy()
    nwin, pass1, skew1, kurt1 = nan_k.copy(), nan_k.copy(), nan_k.copy(), nan_k.copy()
    pass2, skew2, kurt2 = nan_k.copy(), nan_k.copy(), nan_k.copy()
    pass0 = np.zeros(k, dtype=bool)
    log = np.zeros(k, dtype=bool)
    flags = np.zeros((n, k), dtype=np.int8)
    block = _block(X.shape[0])
    for j0 in range(0, k, block):
        j1 = min(k, j0 + block)
        T = np.array(X[:, j0:j1].T, order="C")  # a copy: T is modified in place
        s0, k0 = _skew_kurt_rows(T)
        skew0[j0:j1], kurt0[j0:j1] = s0, k0
        pass0[j0:j1] = passes(s0, k0, skew_thresh[j0:j1], kurt_thresh[j0:j1])
        fail = np.flatnonzero(active[j0:j1] & ~pass0[j0:j1])
        for r in fail:
            j = j0 + r
            row = T[r]
            original = None if combine else row.copy()
            f = np.empty(n, dtype=np.int8)
            nwin[j], skew1[j], kurt1[j] = _winsorise_row(
                row, f, winmax[j], skew_thresh[j], kurt_thresh[j], s0[r], k0[r]
            )
            pass1[j] = _passes_one(skew1[j], kurt1[j], skew_thresh[j], kurt_thresh[j])
            if not pass1[j]:
                base = row if original is None else original
                row[:] = log_ct(base[:, np.newaxis])[:, 0]
                s2, k2 = _skew_kurt_rows(row[np.newaxis, :])
                log[j], skew2[j], kurt2[j] = True, s2[0], k2[0]
                pass2[j] = passes(s2[0], k2[0], skew_thresh[j], kurt_thresh[j])
                f |= np.int8(LOG)
            flags[:, j] = f
        if fail.size:
            out[:, j0:j1] = T.T
    report = TreatReport(
        codes=codes,
        treated=active.copy(),
        pass0=pass0,
        skew0=skew0,
        kurt0=kurt0,
        nwin=nwin,
        pass1=pass1,
        skew1=skew1,
        kurt1=kurt1,
        log=log,
        pass2=pass2,
        skew2=skew2,
        kurt2=kurt2,
        point_codes=flags,
    )
    return out, report
