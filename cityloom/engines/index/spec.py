"""The pipeline: which steps run, with which settings, validated from a plain mapping.

The mapping has the shape of `pipeline.yaml` (every key optional; an absent step is
skipped). `PipelineSpec.parse` checks every key and raises `PipelineKeyError` naming it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .aggregate import AGGREGATION_METHODS
from .errors import (
    IndexEngineError,
    PipelineKeyError,
    UnknownMethodError,
    raise_all,
)
from .framework import Framework
from .impute import STATS
from .normalise import ZERO_DIVISION, NormaliseMethod

STEPS = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")
_OFF = (None, False, "none")


def _number(
    key: str, value: object, *, low: float | None = None, high: float | None = None
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PipelineKeyError(key, f"must be a number, got {value!r}")
    v = float(value)
    if (low is not None and v < low) or (high is not None and v > high) or np.isnan(v):
        raise PipelineKeyError(key, f"must be between {low} and {high}, got {value!r}")
    return v


def _mapping(key: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PipelineKeyError(key, f"must be a mapping, got {value!r}")
    return value


def _only(key: str, value: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for name in value:
        if name not in allowed:
            raise PipelineKeyError(f"{key}.{name}", "unknown key")


@dataclass(frozen=True)
class ImputeSpec:
    stat: str = "mean"
    by: str = "column"
    group: str | None = None


@dataclass(frozen=True)
class TreatSetting:
    winmax: float = 5.0  # inf = no limit
    skew: float = 2.0
    kurt: float = 3.5


@dataclass(frozen=True)
class TreatSpec:
    default: TreatSetting
    combine: bool
    per_indicator: Mapping[str, TreatSetting | None]

    def arrays(
        self, codes: Sequence[str]
    ) -> tuple[
        npt.NDArray[np.bool_],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
    ]:
        """Per-column (active, winmax, skew, kurt) for the indicators `codes`."""
        settings = [self.per_indicator.get(c, self.default) for c in codes]
        active = np.array([s is not None for s in settings])
        pick = [s or self.default for s in settings]
        return (
            active,
            np.array([s.winmax for s in pick]),
            np.array([s.skew for s in pick]),
            np.array([s.kurt for s in pick]),
        )


@dataclass(frozen=True)
class NormaliseSpec:
    default: NormaliseMethod
    pooled: bool
    per_indicator: Mapping[str, NormaliseMethod]
    zero_division: str = "missing"

    def methods(self, codes: Sequence[str]) -> list[NormaliseMethod]:
        return [self.per_indicator.get(c, self.default) for c in codes]


@dataclass(frozen=True)
class AggregateSpec:
    methods: tuple[str, ...] | str = "amean"
    weights: Mapping[str, float] | None = None
    weights_file: str | None = None
    p: float = 2.0
    dat_thresh: float | tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class PipelineSpec:
    """A validated pipeline. `source` is the normalised mapping (used as a cache key)."""

    denominate: bool
    impute: ImputeSpec | None
    screen: float | None
    treat: TreatSpec | None
    normalise: NormaliseSpec | None
    aggregate: AggregateSpec | None
    source: Mapping[str, Any]

    def key(self, *steps: str) -> str:
        """A stable text key of the settings of `steps` (for caching stage results)."""
        return json.dumps({s: self.source.get(s) for s in steps}, sort_keys=True, default=str)

    def replace(self, overrides: Mapping[str, Any], framework: Framework) -> PipelineSpec:
        """A new spec with dotted keys replaced, e.g. {"treat.winmax": 3}."""
        return PipelineSpec.parse(with_overrides(self.source, overrides), framework)

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None, framework: Framework) -> PipelineSpec:
        """Validate a pipeline mapping against the framework's codes."""
        raw = dict(raw or {})
        errors: list[IndexEngineError] = []
        for key in raw:
            if key not in STEPS:
                errors.append(
                    PipelineKeyError(key, "unknown step; expected one of " + ", ".join(STEPS))
                )
        raise_all(errors)
        codes = set(framework.indicator_codes)
        parts: dict[str, Any] = {}
        for step, parser in (
            ("denominate", _parse_denominate),
            ("impute", _parse_impute),
            ("screen", _parse_screen),
            ("treat", _parse_treat),
            ("normalise", _parse_normalise),
            ("aggregate", _parse_aggregate),
        ):
            try:
                parts[step] = parser(raw.get(step), codes, framework)
            except IndexEngineError as exc:
                errors.append(exc)
        raise_all(errors)
        return cls(**parts, source=copy.deepcopy(raw))


def with_overrides(source: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Copy of a pipeline mapping with dotted keys set (`"normalise"` replaces the step)."""
    out = copy.deepcopy(dict(source))
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {} if child in (None, True) else child
                if not isinstance(child, dict):
                    raise PipelineKeyError(dotted, f"{part!r} is not a mapping")
                node[part] = child
            node = child
        node[parts[-1]] = copy.deepcopy(value)
    return out


def _parse_denominate(value: object, codes: set[str], fw: Framework) -> bool:
    if value in (None, False):
        return False
    if value is True:
        return True
    raise PipelineKeyError("denominate", f"must be true or false, got {value!r}")


def _parse_impute(value: object, codes: set[str], fw: Framework) -> ImputeSpec | None:
    if value in _OFF:
        return None
    if value is True:
        return ImputeSpec()
    v = _mapping("impute", value)
    _only("impute", v, ("stat", "by", "group"))
    stat = v.get("stat", "mean")
    if stat not in STATS:
        raise UnknownMethodError("impute.stat", stat, STATS)
    by = v.get("by", "column")
    if by not in ("column", "group", "row"):
        raise UnknownMethodError("impute.by", by, ("column", "group", "row"))
    group = v.get("group")
    if by == "group" and not isinstance(group, str):
        raise PipelineKeyError("impute.group", "by: group needs the name of a group column")
    if by == "row" and stat != "mean":
        raise PipelineKeyError("impute.stat", "by: row imputes with the row mean")
    return ImputeSpec(stat, by, group)


def _parse_screen(value: object, codes: set[str], fw: Framework) -> float | None:
    if value in _OFF:
        return None
    v = _mapping("screen", value)
    _only("screen", v, ("dat_thresh",))
    if "dat_thresh" not in v:
        raise PipelineKeyError("screen.dat_thresh", "is required")
    return _number("screen.dat_thresh", v["dat_thresh"], low=0, high=1)


def _treat_setting(key: str, v: Mapping[str, Any], base: TreatSetting) -> TreatSetting:
    winmax = base.winmax
    if "winmax" in v:
        winmax = np.inf if v["winmax"] is None else _number(f"{key}.winmax", v["winmax"], low=0)
    skew = _number(f"{key}.skew", v["skew"], low=0) if "skew" in v else base.skew
    kurt = _number(f"{key}.kurt", v["kurt"]) if "kurt" in v else base.kurt
    return TreatSetting(winmax, skew, kurt)


def _parse_treat(value: object, codes: set[str], fw: Framework) -> TreatSpec | None:
    if value in _OFF:
        return None
    v = {} if value is True else _mapping("treat", value)
    _only("treat", v, ("winmax", "skew", "kurt", "combine", "per_indicator"))
    default = _treat_setting("treat", v, TreatSetting())
    combine = v.get("combine", False)
    if not isinstance(combine, bool):
        raise PipelineKeyError("treat.combine", "must be true or false")
    per: dict[str, TreatSetting | None] = {}
    for code, setting in _mapping("treat.per_indicator", v.get("per_indicator") or {}).items():
        key = f"treat.per_indicator.{code}"
        if code not in codes:
            raise PipelineKeyError(key, "not an indicator code")
        if setting in _OFF:
            per[code] = None
        else:
            s = _mapping(key, setting)
            _only(key, s, ("winmax", "skew", "kurt"))
            per[code] = _treat_setting(key, s, default)
    return TreatSpec(default, combine, per)


def _norm_method(key: str, v: Mapping[str, Any], base: NormaliseMethod | None) -> NormaliseMethod:
    params = {
        k: x
        for k, x in v.items()
        if k not in ("method", "global", "per_indicator", "zero_division")
    }
    method = v.get("method", base.method if base else "minmax")
    if not isinstance(method, str):
        raise UnknownMethodError(f"{key}.method", method, ())
    if base is not None and method == base.method:
        # An indicator that only changes a parameter keeps the others of the default.
        inherited = {k: x for k, x in base.params.items() if k not in params}
        params = {**inherited, **params}
    return NormaliseMethod.make(method, key, **params)


def _parse_normalise(value: object, codes: set[str], fw: Framework) -> NormaliseSpec | None:
    if value in _OFF:
        return None
    v = {} if value is True else _mapping("normalise", value)
    default = _norm_method("normalise", v, None)
    pooled = v.get("global", False)
    if not isinstance(pooled, bool):
        raise PipelineKeyError("normalise.global", "must be true or false")
    zero_division = v.get("zero_division", "missing")
    if zero_division not in ZERO_DIVISION:
        raise PipelineKeyError("normalise.zero_division", "must be missing or inf")
    per: dict[str, NormaliseMethod] = {}
    for code, setting in _mapping("normalise.per_indicator", v.get("per_indicator") or {}).items():
        key = f"normalise.per_indicator.{code}"
        if code not in codes:
            raise PipelineKeyError(key, "not an indicator code")
        setting = _mapping(key, setting)
        if "zero_division" in setting:
            raise PipelineKeyError(f"{key}.zero_division", "set it for the whole normalise step")
        per[code] = _norm_method(key, setting, default)
    return NormaliseSpec(default, pooled, per, zero_division)


def _parse_aggregate(value: object, codes: set[str], fw: Framework) -> AggregateSpec | None:
    if value in _OFF:
        return None
    v = {} if value is True else _mapping("aggregate", value)
    _only("aggregate", v, ("method", "weights", "p", "dat_thresh"))
    method = v.get("method", "amean")
    n_up = fw.n_levels - 1
    methods: tuple[str, ...] | str
    if isinstance(method, str):
        methods = method
        check = [method]
    elif isinstance(method, list | tuple):
        methods = tuple(method)
        check = list(method)
        if len(methods) != n_up:
            raise PipelineKeyError(
                "aggregate.method", f"a list needs one method per level above indicators ({n_up})"
            )
    else:
        raise PipelineKeyError("aggregate.method", "must be a method name or a list of them")
    for m in check:
        if m not in AGGREGATION_METHODS:
            raise UnknownMethodError("aggregate.method", m, AGGREGATION_METHODS)
    weights = v.get("weights", "meta")
    mapping: Mapping[str, float] | None = None
    weights_file: str | None = None
    if isinstance(weights, Mapping):
        mapping = {}
        for code, w in weights.items():
            if code not in fw.weight:
                raise PipelineKeyError(f"aggregate.weights.{code}", "not an iCode")
            mapping[code] = _number(f"aggregate.weights.{code}", w, low=0)
    elif weights not in (None, "meta"):
        if not isinstance(weights, str):
            raise PipelineKeyError("aggregate.weights", "must be 'meta', a file name or a mapping")
        weights_file = weights
    p = _number("aggregate.p", v.get("p", 2.0))
    if p == 0:
        raise PipelineKeyError("aggregate.p", "p = 0 is the geometric mean: use gmean")
    raw_thresh = v.get("dat_thresh")
    thresh: float | tuple[float | None, ...] | None
    if raw_thresh is None:
        thresh = None
    elif isinstance(raw_thresh, list | tuple):
        if len(raw_thresh) != n_up:
            raise PipelineKeyError(
                "aggregate.dat_thresh", f"a list needs one value per level ({n_up})"
            )
        thresh = tuple(
            None if t is None else _number("aggregate.dat_thresh", t, low=0, high=1)
            for t in raw_thresh
        )
    else:
        thresh = _number("aggregate.dat_thresh", raw_thresh, low=0, high=1)
    return AggregateSpec(methods, mapping, weights_file, p, thresh)
