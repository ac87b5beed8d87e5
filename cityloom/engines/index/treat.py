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


def skew_kurt(
    X: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Bias-corrected sample skewness and excess kurtosis of each column, NaN ignored.

    `X` is `(n_units, n_columns)`; both results are `(n_columns,)`. A column with fewer than
    3 (skew) or 4 (kurtosis) values, or with no spread, gives NaN.
    """
    present = ~np.isnan(X)
    n = present.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, X, 0.0).sum(axis=0) / n
        d = np.where(present, X - mean, 0.0)
        d2 = d * d
        s2 = d2.sum(axis=0)
        s3 = (d2 * d).sum(axis=0)
        s4 = (d2 * d2).sum(axis=0)
        skew = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / (s2 * s2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    # No spread: R's formulas give NaN too (0/0); keep them NaN, never +-inf.
    flat = ~(s2 > 0)
    skew[(n < 3) | flat] = np.nan
    kurt[(n < 4) | flat] = np.nan
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


@dataclass(frozen=True)
class TreatReport:
    """What treatment did, per indicator (arrays `(n_indicators,)`) and per point.

    `nwin` is NaN where winsorisation was not attempted; `*1` fields are after
    winsorisation, `*2` after the log transform (NaN where not reached).
    `points` is `(n_units, n_indicators)` of "", "winhi", "winlo", "log_CT", "winhi+log_CT"...
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
    points: npt.NDArray[np.object_]


def winsorise(
    X: npt.NDArray[np.float64],
    *,
    winmax: npt.NDArray[np.float64],
    skew_thresh: npt.NDArray[np.float64],
    kurt_thresh: npt.NDArray[np.float64],
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.bool_],
    npt.NDArray[np.bool_],
]:
    """Winsorise every column of `X` `(n, k)` that fails the check; thresholds are `(k,)`.

    Returns the winsorised copy, the count of winsorised points `(k,)`, and the masks of
    points set high (`winhi`) and low (`winlo`), each `(n, k)`.
    """
    Xw = X.copy()
    n, k = X.shape
    hi = np.zeros((n, k), dtype=bool)
    lo = np.zeros((n, k), dtype=bool)
    nwin = np.zeros(k)
    skew, kurt = skew_kurt(Xw)
    active = ~passes(skew, kurt, skew_thresh, kurt_thresh) & (nwin < winmax)
    while active.any():
        cols = np.flatnonzero(active)
        block = Xw[:, cols]
        up = skew[cols] >= 0
        with np.errstate(invalid="ignore"):
            if up.any():
                c = cols[up]
                sub = Xw[:, c]
                top = np.nanmax(sub, axis=0)
                at_top = sub == top
                nxt = np.nanmax(np.where(at_top, np.nan, sub), axis=0)
                Xw[:, c] = np.where(at_top, nxt, sub)
                hi[:, c] = at_top
            if (~up).any():
                c = cols[~up]
                sub = Xw[:, c]
                bottom = np.nanmin(sub, axis=0)
                at_bottom = sub == bottom
                nxt = np.nanmin(np.where(at_bottom, np.nan, sub), axis=0)
                Xw[:, c] = np.where(at_bottom, nxt, sub)
                lo[:, c] = at_bottom
        del block
        nwin[cols] = hi[:, cols].sum(axis=0) + lo[:, cols].sum(axis=0)
        s, kt = skew_kurt(Xw[:, cols])
        skew[cols], kurt[cols] = s, kt
        still = ~passes(s, kt, skew_thresh[cols], kurt_thresh[cols]) & (nwin[cols] < winmax[cols])
        active[:] = False
        active[cols[still]] = True
    return Xw, nwin, hi, lo


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
    out = X.copy()
    nan_k = np.full(k, np.nan)
    skew0, kurt0 = skew_kurt(X)
    pass0 = passes(skew0, kurt0, skew_thresh, kurt_thresh)
    nwin, pass1, skew1, kurt1 = nan_k.copy(), nan_k.copy(), nan_k.copy(), nan_k.copy()
    pass2, skew2, kurt2 = nan_k.copy(), nan_k.copy(), nan_k.copy()
    log = np.zeros(k, dtype=bool)
    points = np.full((n, k), "", dtype=object)
    fail = np.flatnonzero(active & ~pass0)
    if fail.size:
        Xw, nw, hi, lo = winsorise(
            X[:, fail],
            winmax=winmax[fail],
            skew_thresh=skew_thresh[fail],
            kurt_thresh=kurt_thresh[fail],
        )
        s1, k1 = skew_kurt(Xw)
        p1 = passes(s1, k1, skew_thresh[fail], kurt_thresh[fail])
        nwin[fail], skew1[fail], kurt1[fail], pass1[fail] = nw, s1, k1, p1
        out[:, fail] = Xw
        block = points[:, fail]
        block[hi] = "winhi"
        block[lo] = "winlo"
        still = np.flatnonzero(~p1)
        if still.size:
            cols = fail[still]
            base = Xw[:, still] if combine else X[:, cols]
            logged = log_ct(base)
            s2, k2 = skew_kurt(logged)
            out[:, cols] = logged
            log[cols] = True
            skew2[cols], kurt2[cols] = s2, k2
            pass2[cols] = passes(s2, k2, skew_thresh[cols], kurt_thresh[cols])
            sub = block[:, still]
            block[:, still] = np.where(sub == "", "log_CT", sub + "+log_CT")
        points[:, fail] = block
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
        points=points,
    )
    return out, report
