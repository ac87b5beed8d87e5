"""Normalisation: bring indicators onto a common scale, higher = better.

Each column is first multiplied by its Direction. `Normaliser` learns the parameters
(min/max, mean/sd, reference value, the base distribution for rank methods) with `fit`
and applies them with `transform`, so bounds fitted on a base edition keep later
editions comparable. Fitting and transforming the same data gives COINr's `n_*` results.

Methods (x already times Direction):

| method | result | parameters |
|---|---|---|
| minmax | (x - min)/(max - min)(upper - lower) + lower | lower=0, upper=100 |
| zscore | (x - mean)/sd * sd_target + mean_target (sd with n - 1) | mean=0, sd=1 |
| scaled | (x - lower)/(upper - lower) * 100 | lower=0, upper=100 |
| dist2max | 1 - (max - x)/(max - min) | |
| dist2ref | 1 - (x_ref - x)/(x_ref - min), uncapped unless cap_max | ref (uCode) |
| dist2targ | 1 - (t - x)/(t - min), t = Target * Direction | cap_max=False |
| fracmax | x / max | |
| rank | rank, ties get the lowest rank | |
| prank | (rank - 1)/(n_available - 1) | |
| borda | rank - 1 | |
| goalposts | clip((x - lower)/(upper - lower), 0, 1) * scale, reversed for Direction -1 | lower, upper, scale=1 |
| none | x | |

A division by zero in dist2ref, dist2targ or fracmax (the reference or target at the
minimum, a maximum of 0) is a `DivisionByZeroWarning`, not an error: that column becomes
NaN, or COINr's +-Inf and NaN with `zero_division="inf"` (`normalise.zero_division`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import (
    MAXIMUM_IS_ZERO,
    REFERENCE_AT_MINIMUM,
    TARGET_AT_MINIMUM,
    DivisionByZeroWarning,
    MissingReferenceError,
    NoVarianceError,
    PipelineKeyError,
    UnknownMethodError,
)

PARAMETERS: dict[str, dict[str, Any]] = {
    "minmax": {"lower": 0.0, "upper": 100.0},
    "zscore": {"mean": 0.0, "sd": 1.0},
    "scaled": {"lower": 0.0, "upper": 100.0},
    "dist2max": {},
    "dist2ref": {"ref": None, "cap_max": False},
    "dist2targ": {"cap_max": False},
    "fracmax": {},
    "rank": {},
    "prank": {},
    "borda": {},
    "goalposts": {"lower": None, "upper": None, "scale": 1.0},
    "none": {},
}
METHODS = tuple(PARAMETERS)
# What a division by zero gives (see `DivisionByZeroWarning`): the indicator's values
# left missing, or COINr's +-Inf and NaN.
ZERO_DIVISION = ("missing", "inf")


@dataclass(frozen=True)
class NormaliseMethod:
    """One method with its parameters (defaults filled in)."""

    method: str = "minmax"
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, method: str, key: str = "normalise", **params: Any) -> NormaliseMethod:
        """Validate a method and its parameters; `key` names the pipeline key in errors."""
        if method not in PARAMETERS:
            raise UnknownMethodError(f"{key}.method", method, METHODS)
        defaults = PARAMETERS[method]
        for name in params:
            if name not in defaults:
                raise PipelineKeyError(f"{key}.{name}", f"not a parameter of {method}")
        merged = {**defaults, **params}
        for name, value in merged.items():
            if name in ("ref",):
                continue
            if name == "cap_max":
                if not isinstance(value, bool):
                    raise PipelineKeyError(f"{key}.{name}", "must be true or false")
                continue
            if value is None:
                raise PipelineKeyError(f"{key}.{name}", f"is required by {method}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PipelineKeyError(f"{key}.{name}", f"must be a number, got {value!r}")
            merged[name] = float(value)
        if method == "dist2ref" and merged["ref"] is None:
            raise PipelineKeyError(f"{key}.ref", "dist2ref needs a reference unit code")
        if method in ("scaled", "goalposts") and merged["lower"] == merged["upper"]:
            raise PipelineKeyError(f"{key}.upper", "upper must differ from lower")
        if method == "zscore" and not merged["sd"] > 0:
            raise PipelineKeyError(f"{key}.sd", "sd must be positive")
        return cls(method, merged)


# Rows processed at a time by `fit`: the copies stay a few MB whatever the units.
_ROW_CHUNK = 4_096


def _nan_reduce(func: Any, X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return func(X, axis=0)


def _column_stats(
    X: npt.NDArray[np.float64], directions: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], ...]:
    """Min, max, mean, sd (n - 1) and count of each column of `X * directions`, NaN ignored.

    The rows are streamed in chunks (no full-size copy); with a single chunk the sums are
    those of `np.nanmean` and `np.nanstd(ddof=1)`, operation for operation.
    """
    n, k = X.shape
    lo, hi = np.full(k, np.inf), np.full(k, -np.inf)
    total, count = np.zeros(k), np.zeros(k, dtype=np.intp)
    chunks = [slice(a, min(n, a + _ROW_CHUNK)) for a in range(0, n, _ROW_CHUNK)]
    for rows in chunks:
        S = X[rows] * directions
        gap = np.isnan(S)
        np.fmin(lo, _nan_reduce(np.nanmin, S), out=lo)
        np.fmax(hi, _nan_reduce(np.nanmax, S), out=hi)
        count += np.sum(~gap, axis=0, dtype=np.intp)
        S[gap] = 0.0
        total += np.sum(S, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        squares = np.zeros(k)
        for rows in chunks:
            S = X[rows] * directions
            gap = np.isnan(S)
            np.subtract(S, mean, out=S)
            S[gap] = 0.0
            np.multiply(S, S, out=S)
            squares += np.sum(S, axis=0)
        sd = np.sqrt(squares / (count - 1))
    empty = count == 0
    lo[empty], hi[empty], mean[empty] = np.nan, np.nan, np.nan
    sd[count < 2] = np.nan
    return lo, hi, mean, sd, count


class Normaliser:
    """Per-indicator normalisation, fitted on one dataset and applied to any other.

    `methods` has one `NormaliseMethod` per column; `directions` and `targets` are
    `(n_indicators,)`. After `fit`, learned parameters end in `_`.

    A method that would divide by zero for a column (dist2ref with the reference at the
    minimum, dist2targ with the target there, fracmax with a maximum of 0) does not stop
    the fit: `warnings_` says so, and `transform` gives that column NaN, or COINr's
    +-Inf and NaN with `zero_division="inf"`.
    """

    def __init__(
        self,
        methods: Sequence[NormaliseMethod],
        *,
        directions: npt.NDArray[np.float64],
        targets: npt.NDArray[np.float64] | None = None,
        codes: Sequence[str] | None = None,
        zero_division: str = "missing",
    ) -> None:
        if zero_division not in ZERO_DIVISION:
            raise PipelineKeyError("normalise.zero_division", "must be missing or inf")
        self.zero_division = zero_division
        self.methods = tuple(methods)
        self.directions = np.asarray(directions, dtype=np.float64)
        k = len(self.methods)
        self.targets = np.full(k, np.nan) if targets is None else np.asarray(targets, float)
        self.codes = tuple(codes) if codes is not None else tuple(f"x{j}" for j in range(k))

    def fit(
        self,
        X: npt.NDArray[np.float64],
        *,
        unit_codes: Sequence[str] | npt.NDArray[np.str_] | None = None,
    ) -> Normaliser:
        """Learn min, max, mean, sd, reference values and base distributions from `X`."""
        k = X.shape[1]
        self.min_, self.max_, self.mean_, self.sd_, self.n_available_ = _column_stats(
            X, self.directions
        )
        self.ref_ = np.full(k, np.nan)
        self.sorted_: dict[int, npt.NDArray[np.float64]] = {}
        self.warnings_: list[DivisionByZeroWarning] = []
        self.zero_divisor_ = np.zeros(k, dtype=bool)
        for j, m in enumerate(self.methods):
            name = m.method
            if self.n_available_[j] == 0:
                raise NoVarianceError(indicator=self.codes[j], method=name)
            if name in ("minmax", "dist2max") and self.max_[j] == self.min_[j]:
                raise NoVarianceError(indicator=self.codes[j], method=name)
            if name == "zscore" and not self.sd_[j] > 0:
                raise NoVarianceError(indicator=self.codes[j], method=name)
            if name == "prank" and self.n_available_[j] < 2:
                raise NoVarianceError(indicator=self.codes[j], method=name)
            if name == "fracmax" and self.max_[j] == 0:
                self._divides_by_zero(j, MAXIMUM_IS_ZERO)
            if name in ("rank", "prank", "borda"):
                col = X[:, j] * self.directions[j]
                self.sorted_[j] = np.sort(col[~np.isnan(col)])
            if name == "dist2ref":
                ref = str(m.params["ref"])
                if unit_codes is None:
                    raise MissingReferenceError(
                        "dist2ref needs unit codes to find the reference",
                        indicator=self.codes[j],
                        unit=ref,
                    )
                rows = np.flatnonzero(np.asarray(unit_codes) == ref)
                if rows.size == 0:
                    raise MissingReferenceError(
                        "reference unit not found", indicator=self.codes[j], unit=ref
                    )
                # In a pooled panel the reference unit has several rows: its latest one
                # (rows are sorted by year) is the reference.
                self.ref_[j] = X[rows[-1], j] * self.directions[j]
                if np.isnan(self.ref_[j]):
                    raise MissingReferenceError(
                        "reference unit has no value", indicator=self.codes[j], unit=ref
                    )
                if self.ref_[j] == self.min_[j]:
                    self._divides_by_zero(j, REFERENCE_AT_MINIMUM, unit=ref)
            if name == "dist2targ":
                t = self.targets[j] * self.directions[j]
                if np.isnan(t):
                    raise MissingReferenceError(
                        "dist2targ needs a Target in the metadata", indicator=self.codes[j]
                    )
                if t == self.min_[j]:
                    self._divides_by_zero(j, TARGET_AT_MINIMUM)
        return self

    def _divides_by_zero(self, j: int, reason: str, *, unit: str = "") -> None:
        self.zero_divisor_[j] = True
        self.warnings_.append(
            DivisionByZeroWarning(
                indicator=self.codes[j],
                method=self.methods[j].method,
                reason=reason,
                values=self.zero_division,
                unit=unit,
            )
        )

    def transform(self, X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Apply the fitted parameters to `X` `(n_units, n_indicators)`; NaN stays NaN.

        The result is the one full-size array written: each method works in place on it
        (on a copy of its columns only when several methods share the indicators).
        """
        out = np.multiply(X, self.directions, dtype=np.float64)
        by_method: dict[str, list[int]] = {}
        for j, m in enumerate(self.methods):
            by_method.setdefault(m.method, []).append(j)
        for name, cols_list in by_method.items():
            every = len(cols_list) == out.shape[1]
            cols = slice(None) if every else np.array(cols_list)
            x = out if every else out[:, cols]
            with np.errstate(invalid="ignore", divide="ignore"):
                self._transform_in_place(name, x, cols_list)
            if not every:
                out[:, cols] = x
        if self.zero_division == "missing":
            out[:, self.zero_divisor_] = np.nan
        return out

    def _transform_in_place(
        self, name: str, x: npt.NDArray[np.float64], cols_list: list[int]
    ) -> None:
        """Normalise `x` (the direction-adjusted columns `cols_list`) with method `name`."""
        cols = np.array(cols_list)
        p = [self.methods[j].params for j in cols_list]

        def param(key: str) -> npt.NDArray[np.float64]:
            return np.array([float(q[key]) for q in p])

        lo, hi = self.min_[cols], self.max_[cols]
        # Each formula keeps the order of operations of its definition (same rounding).
        if name == "minmax":
            # (x - lo) / (hi - lo) * (upper - lower) + lower
            np.subtract(x, lo, out=x)
            np.divide(x, hi - lo, out=x)
            np.multiply(x, param("upper") - param("lower"), out=x)
            np.add(x, param("lower"), out=x)
        elif name == "zscore":
            # (x - mean) / sd * sd_target + mean_target
            np.subtract(x, self.mean_[cols], out=x)
            np.divide(x, self.sd_[cols], out=x)
            np.multiply(x, param("sd"), out=x)
            np.add(x, param("mean"), out=x)
        elif name == "scaled":
            # (x - lower) / (upper - lower) * 100
            np.subtract(x, param("lower"), out=x)
            np.divide(x, param("upper") - param("lower"), out=x)
            np.multiply(x, 100, out=x)
        elif name == "dist2max":
            # 1 - (hi - x) / (hi - lo)
            np.subtract(hi, x, out=x)
            np.divide(x, hi - lo, out=x)
            np.subtract(1, x, out=x)
        elif name in ("dist2ref", "dist2targ"):
            ref = (
                self.ref_[cols]
                if name == "dist2ref"
                else self.targets[cols] * self.directions[cols]
            )
            # 1 - (ref - x) / (ref - lo), capped at 1 where asked
            np.subtract(ref, x, out=x)
            np.divide(x, ref - lo, out=x)
            np.subtract(1, x, out=x)
            cap = np.array([bool(q["cap_max"]) for q in p])
            if cap.any():
                capped = x[:, cap]
                capped[capped > 1] = 1.0
                x[:, cap] = capped
        elif name == "fracmax":
            np.divide(x, hi, out=x)
        elif name in ("rank", "prank", "borda"):
            for c, j in enumerate(cols_list):
                col = x[:, c]
                # Rank among the fitted values: 1 + number strictly below, so
                # ties share the lowest rank, as R's rank(ties.method = "min").
                r = np.searchsorted(self.sorted_[j], col, side="left") + 1.0
                r[np.isnan(col)] = np.nan
                if name == "prank":
                    r = (r - 1) / (self.n_available_[j] - 1)
                elif name == "borda":
                    r = r - 1
                x[:, c] = r
        elif name == "goalposts":
            lower, upper = param("lower"), param("upper")
            d = self.directions[cols]
            # x is already x * Direction, so the posts flip with it: for a
            # lower-is-better indicator, x_orig = lower scores 1, upper scores 0.
            a = np.where(d < 0, -upper, lower)
            b = np.where(d < 0, -lower, upper)
            # clip((x - a) / (b - a), 0, 1) * scale
            np.subtract(x, a, out=x)
            np.divide(x, b - a, out=x)
            np.clip(x, 0.0, 1.0, out=x)
            np.multiply(x, param("scale"), out=x)
        # none: x as it is

    def fit_transform(
        self,
        X: npt.NDArray[np.float64],
        *,
        unit_codes: Sequence[str] | npt.NDArray[np.str_] | None = None,
    ) -> npt.NDArray[np.float64]:
        return self.fit(X, unit_codes=unit_codes).transform(X)


def min_max(
    X: npt.NDArray[np.float64], *, lower: float = 0.0, upper: float = 100.0
) -> npt.NDArray[np.float64]:
    """Min-max each column of `X` `(n, k)` onto [lower, upper] (directions already applied)."""
    k = X.shape[1]
    m = NormaliseMethod.make("minmax", lower=lower, upper=upper)
    return Normaliser([m] * k, directions=np.ones(k)).fit_transform(X)


def z_score(
    X: npt.NDArray[np.float64], *, mean: float = 0.0, sd: float = 1.0
) -> npt.NDArray[np.float64]:
    """Standardise each column of `X` `(n, k)` to the given mean and sd (sd with n - 1)."""
    k = X.shape[1]
    m = NormaliseMethod.make("zscore", mean=mean, sd=sd)
    return Normaliser([m] * k, directions=np.ones(k)).fit_transform(X)
