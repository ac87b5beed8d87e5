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

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


def _skew_kurt_rows(
    T: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """`skew_kurt` of the rows of `T` `(k, n)` (rows contiguous: the fast layout)."""
    present = ~np.isnan(T)
    n = present.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(T, axis=1) / n
        d = T - mean[:, None]
        d[~present] = 0.0
        d2 = d * d
        s2 = d2.sum(axis=1)
        s3 = np.einsum("ij,ij->i", d2, d)
        s4 = np.einsum("ij,ij->i", d2, d2)
        skew = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / (s2 * s2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    # No spread: R's formulas give NaN too (0/0); keep them NaN, never +-inf.
    flat = ~(s2 > 0)
    skew[(n < 3) | flat] = np.nan
    kurt[(n < 4) | flat] = np.nan
    return skew, kurt


def skew_kurt(
    X: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Bias-corrected sample skewness and excess kurtosis of each column, NaN ignored.

    `X` is `(n_units, n_columns)`; both results are `(n_columns,)`. A column with fewer than
    3 (skew) or 4 (kurtosis) values, or with no spread, gives NaN.
    """
    return _skew_kurt_rows(np.ascontiguousarray(X.T))


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
    T = np.array(X.T, order="C", copy=True)
    Tw, nwin, flags = _winsorise_rows(T, winmax, skew_thresh, kurt_thresh)
    return np.ascontiguousarray(Tw.T), nwin, np.ascontiguousarray(flags.T)


def _winsorise_rows(
    T: npt.NDArray[np.float64],
    winmax: npt.NDArray[np.float64],
    skew_thresh: npt.NDArray[np.float64],
    kurt_thresh: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """`winsorise` on `T` `(k, n)`: one row per indicator, modified in place and returned."""
    k, n = T.shape
    flags = np.zeros((k, n), dtype=np.int8)
    nwin = np.zeros(k)
    skew, kurt = _skew_kurt_rows(T)
    active = ~passes(skew, kurt, skew_thresh, kurt_thresh) & (nwin < winmax)
    while active.any():
        rows = np.flatnonzero(active)
        up = skew[rows] >= 0
        with np.errstate(invalid="ignore"):
            for sel, flag in ((rows[up], WINHI), (rows[~up], WINLO)):
                if not sel.size:
                    continue
                sub = T[sel]
                extreme = np.nanmax(sub, axis=1) if flag == WINHI else np.nanmin(sub, axis=1)
                at = sub == extreme[:, None]
                rest = np.where(at, np.nan, sub)
                nxt = np.nanmax(rest, axis=1) if flag == WINHI else np.nanmin(rest, axis=1)
                T[sel] = np.where(at, nxt[:, None], sub)
                # COINr keeps the last set of positions of each side: the clipped points
                # of earlier steps are tied at the new extreme, so they are in it again.
                f = flags[sel]
                f &= ~np.int8(flag)
                f |= at.astype(np.int8) * np.int8(flag)
                flags[sel] = f
        nwin[rows] = np.count_nonzero(flags[rows] & WINHI, axis=1) + np.count_nonzero(
            flags[rows] & WINLO, axis=1
        )
        s, kt = _skew_kurt_rows(T[rows])
        skew[rows], kurt[rows] = s, kt
        still = ~passes(s, kt, skew_thresh[rows], kurt_thresh[rows]) & (nwin[rows] < winmax[rows])
        active[:] = False
        active[rows[still]] = True
    return T, nwin, flags


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
    """
    n, k = X.shape
    # Work one row per indicator: every reduction then runs over contiguous memory.
    T = np.array(X.T, order="C", copy=True)  # never a view: T is modified in place
    nan_k = np.full(k, np.nan)
    skew0, kurt0 = _skew_kurt_rows(T)
    pass0 = passes(skew0, kurt0, skew_thresh, kurt_thresh)
    nwin, pass1, skew1, kurt1 = nan_k.copy(), nan_k.copy(), nan_k.copy(), nan_k.copy()
    pass2, skew2, kurt2 = nan_k.copy(), nan_k.copy(), nan_k.copy()
    log = np.zeros(k, dtype=bool)
    flags = np.zeros((k, n), dtype=np.int8)
    fail = np.flatnonzero(active & ~pass0)
    if fail.size:
        original = T[fail]
        Tw, nw, fl = _winsorise_rows(
            original.copy(), winmax[fail], skew_thresh[fail], kurt_thresh[fail]
        )
        s1, k1 = _skew_kurt_rows(Tw)
        p1 = passes(s1, k1, skew_thresh[fail], kurt_thresh[fail])
        nwin[fail], skew1[fail], kurt1[fail], pass1[fail] = nw, s1, k1, p1
        still = np.flatnonzero(~p1)
        if still.size:
            cols = fail[still]
            base = Tw[still] if combine else original[still]
            logged = log_ct(base.T).T
            s2, k2 = _skew_kurt_rows(logged)
            Tw[still] = logged
            log[cols] = True
            skew2[cols], kurt2[cols] = s2, k2
            pass2[cols] = passes(s2, k2, skew_thresh[cols], kurt_thresh[cols])
            fl[still] |= np.int8(LOG)
        T[fail] = Tw
        flags[fail] = fl
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
        point_codes=np.ascontiguousarray(flags.T),
    )
    return np.ascontiguousarray(T.T), report
