"""Analysis: indicator statistics, outliers, correlations, Cronbach's alpha, PCA weights.

`X` is `(n_units, n_columns)`, NaN = missing. Correlations use, for each pair of columns,
the units where both are available (pairwise complete). p-values are two-sided, from
Student's t with n - 2 degrees of freedom (for Spearman too: the large-sample
approximation, which R's `cor.test` uses when there are ties).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .framework import Framework
from .pipeline import IndexResult
from .treat import skew_kurt


@dataclass(frozen=True)
class IndicatorStats:
    """Statistics per column, each `(n_columns,)`."""

    codes: tuple[str, ...]
    minimum: npt.NDArray[np.float64]
    maximum: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    median: npt.NDArray[np.float64]
    sd: npt.NDArray[np.float64]
    skew: npt.NDArray[np.float64]
    kurt: npt.NDArray[np.float64]
    n_available: npt.NDArray[np.int64]
    availability: npt.NDArray[np.float64]
    skew_kurt_flag: npt.NDArray[np.bool_]
    n_outliers: npt.NDArray[np.int64]


def outlier_flags(X: npt.NDArray[np.float64]) -> npt.NDArray[np.int8]:
    """+1 above Q3 + 1.5 IQR, -1 below Q1 - 1.5 IQR, else 0 (quartiles interpolated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q1, q3 = np.nanpercentile(X, [25, 75], axis=0)
    iqr = q3 - q1
    with np.errstate(invalid="ignore"):
        hi = q3 + 1.5 * iqr < X
        lo = q1 - 1.5 * iqr > X
    return hi.astype(np.int8) - lo.astype(np.int8)


def indicator_stats(
    X: npt.NDArray[np.float64],
    codes: Sequence[str],
    *,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
) -> IndicatorStats:
    """Min, max, mean, median, sd (n - 1), skew, kurtosis, availability and outlier flags.

    `skew_kurt_flag` is True where |skew| > skew_thresh and kurt > kurt_thresh (COINr's
    "OUT"); `n_outliers` counts the points flagged by the 1.5 IQR rule.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sk, kt = skew_kurt(X)
        n_av = np.count_nonzero(~np.isnan(X), axis=0)
        return IndicatorStats(
            codes=tuple(codes),
            minimum=np.nanmin(X, axis=0),
            maximum=np.nanmax(X, axis=0),
            mean=np.nanmean(X, axis=0),
            median=np.nanmedian(X, axis=0),
            sd=np.nanstd(X, axis=0, ddof=1),
            skew=sk,
            kurt=kt,
            n_available=n_av,
            availability=n_av / X.shape[0],
            skew_kurt_flag=(np.abs(sk) > skew_thresh) & (kt > kurt_thresh),
            n_outliers=np.count_nonzero(outlier_flags(X), axis=0),
        )


def _betainc(
    a: npt.NDArray[np.float64], b: float, x: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Regularised incomplete beta I_x(a, b) by its continued fraction (Lentz), vectorised."""
    from math import lgamma

    x = np.asarray(x, dtype=np.float64)
    a = np.broadcast_to(np.asarray(a, dtype=np.float64), x.shape)
    out = np.empty_like(x)
    lbeta = np.vectorize(lambda aa: lgamma(aa) + lgamma(b) - lgamma(aa + b))(a) if a.size else a
    # Use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
    swap = x > (a + 1) / (a + b + 2)
    aa = np.where(swap, b, a)
    bb = np.where(swap, a, b)
    xx = np.where(swap, 1 - x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        front = np.exp(np.log(xx) * aa + np.log1p(-xx) * bb - lbeta) / aa
    tiny = 1e-300
    f = np.ones_like(x)
    c = np.ones_like(x)
    d = np.zeros_like(x)
    for i in range(400):
        m = i // 2
        if i == 0:
            num = np.ones_like(x)
        elif i % 2 == 0:
            num = (m * (bb - m) * xx) / ((aa + 2 * m - 1) * (aa + 2 * m))
        else:
            num = -((aa + m) * (aa + bb + m) * xx) / ((aa + 2 * m) * (aa + 2 * m + 1))
        d = 1 + num * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        d = 1 / d
        c = 1 + num / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        cd = c * d
        f = f * cd
        if np.all(np.abs(1 - cd) < 1e-15):
            break
    value = front * (f - 1)
    out = np.where(swap, 1 - value, value)
    return np.where(x <= 0, 0.0, np.where(x >= 1, 1.0, out))


def t_pvalue(r: npt.NDArray[np.float64], n: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Two-sided p-value of a correlation `r` on `n` pairs (t with n - 2 df)."""
    df = n - 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t2 = r * r * df / (1 - r * r)
        x = df / (df + t2)
    p = _betainc(df / 2, 0.5, np.where(np.isnan(x), 0.5, x))
    p = np.where(np.abs(r) >= 1, 0.0, p)
    return np.where(np.isnan(r) | (df <= 0), np.nan, p)


def _ranks(X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Average ranks per column (ties averaged), NaN kept."""
    out = np.full(X.shape, np.nan)
    for j in range(X.shape[1]):
        col = X[:, j]
        ok = ~np.isnan(col)
        v = col[ok]
        order = np.argsort(v, kind="stable")
        srt = v[order]
        r = np.empty(v.size)
        r[order] = np.arange(1, v.size + 1, dtype=np.float64)
        # Average the ranks of tied values.
        uniq, inv = np.unique(srt, return_inverse=True)
        sums = np.bincount(inv, weights=np.arange(1, v.size + 1, dtype=np.float64))
        counts = np.bincount(inv)
        avg = sums / counts
        r[order] = avg[inv]
        out[ok, j] = r
        del uniq
    return out


def correlation(
    A: npt.NDArray[np.float64],
    B: npt.NDArray[np.float64] | None = None,
    *,
    method: str = "pearson",
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Correlations and p-values between the columns of `A` `(n, ka)` and `B` `(n, kb)`.

    Pairwise complete observations; Spearman ranks each pair's common units.
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"unknown correlation method {method!r}")
    B = A if B is None else B
    ka, kb = A.shape[1], B.shape[1]
    r = np.full((ka, kb), np.nan)
    n = np.zeros((ka, kb))
    for i in range(ka):
        for j in range(kb):
            ok = ~np.isnan(A[:, i]) & ~np.isnan(B[:, j])
            n[i, j] = ok.sum()
            if n[i, j] < 3:
                continue
            a, b = A[ok, i], B[ok, j]
            if method == "spearman":
                a, b = _ranks(a[:, None])[:, 0], _ranks(b[:, None])[:, 0]
            a = a - a.mean()
            b = b - b.mean()
            den = np.sqrt((a * a).sum() * (b * b).sum())
            if den > 0:
                r[i, j] = float(np.clip((a * b).sum() / den, -1.0, 1.0))
    return r, t_pvalue(r, n)


def _ancestor(fw: Framework, code: str, level: int) -> str | None:
    node: str | None = code
    while node is not None and fw.level[node] < level:
        node = fw.parent[node]
    return node if node is not None and fw.level[node] == level else None


def level_values(
    result: IndexResult, level: int
) -> tuple[tuple[str, ...], npt.NDArray[np.float64]]:
    """Codes and values `(n_units, n_codes)` at a level (normalised indicators at level 1)."""
    fw = result.framework
    if level == 1:
        return fw.indicator_codes, result.stages["Normalised"].X
    codes = fw.codes_at(level)
    return codes, np.column_stack([result.score(c) for c in codes])


def level_correlations(
    result: IndexResult,
    level_a: int,
    level_b: int,
    *,
    method: str = "pearson",
    within: bool = False,
) -> tuple[tuple[str, ...], tuple[str, ...], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Correlations between the codes of two levels.

    With `within`, only pairs in the same group are kept (for level_a < level_b: a code and
    its own ancestor; for equal levels: codes with the same parent); others are NaN.
    """
    fw = result.framework
    ca, A = level_values(result, level_a)
    cb, B = level_values(result, level_b)
    r, p = correlation(A, B, method=method)
    if within:
        keep = np.zeros(r.shape, dtype=bool)
        for i, a in enumerate(ca):
            for j, b in enumerate(cb):
                if level_a == level_b:
                    keep[i, j] = fw.parent[a] == fw.parent[b]
                elif level_a < level_b:
                    keep[i, j] = _ancestor(fw, a, level_b) == b
                else:
                    keep[i, j] = _ancestor(fw, b, level_a) == a
        r = np.where(keep, r, np.nan)
        p = np.where(keep, p, np.nan)
    return ca, cb, r, p


def cronbach_alpha(X: npt.NDArray[np.float64]) -> float:
    """k/(k - 1) (1 - sum of item variances / variance of the total), complete units only."""
    complete = X[~np.isnan(X).any(axis=1)]
    k = X.shape[1]
    if k < 2 or complete.shape[0] < 2:
        return float("nan")
    item_var = complete.var(axis=0, ddof=1).sum()
    total_var = complete.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var))


def group_cronbach(result: IndexResult, level: int) -> dict[str, float]:
    """Cronbach's alpha of the children of every aggregate at `level`."""
    fw = result.framework
    codes, V = level_values(result, level - 1)
    out = {}
    for parent in fw.codes_at(level):
        cols = [i for i, c in enumerate(codes) if fw.parent[c] == parent]
        out[parent] = cronbach_alpha(V[:, cols])
    return out


def pca_loadings(X: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], float]:
    """First principal component of the standardised columns (complete units).

    Returns the loadings `(k,)` (unit length; the sign is arbitrary, fixed here so that
    their sum is positive) and the share of variance it explains.
    """
    complete = X[~np.isnan(X).any(axis=1)]
    Z = (complete - complete.mean(axis=0)) / complete.std(axis=0, ddof=1)
    corr = np.atleast_2d(np.cov(Z, rowvar=False))
    values, vectors = np.linalg.eigh(corr)
    first = vectors[:, -1]
    if first.sum() < 0:
        first = -first
    return first, float(values[-1] / values.sum())


def pca_weights(result: IndexResult, level: int) -> dict[str, float]:
    """PCA weights of the codes at `level - 1`: first-component loadings within each group."""
    fw = result.framework
    codes, V = level_values(result, level - 1)
    out: dict[str, float] = {}
    for parent in fw.codes_at(level):
        cols = [i for i, c in enumerate(codes) if fw.parent[c] == parent]
        if len(cols) == 1:
            out[codes[cols[0]]] = 1.0
            continue
        loadings, _ = pca_loadings(V[:, cols])
        out.update({codes[i]: float(w) for i, w in zip(cols, loadings, strict=True)})
    return out


def effective_weights(framework: Framework) -> dict[str, float]:
    """Product of the within-group normalised weights along each code's lineage."""
    return framework.effective_weights()
