"""Build an index: denominate, impute, screen, treat, normalise, aggregate, rank.

`build(dataset, framework, pipeline)` is the one entry point for the command line, the
Study app and the uncertainty analysis. Panels (several years) are processed per year;
normalisation is per year or, with `global: true`, pooled over every year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .aggregate import aggregate_tree, rank_descending
from .data import Dataset
from .denominate import denominate
from .errors import DivisionByZeroWarning, MissingColumnError, NoDataError
from .framework import Framework
from .impute import impute_column, impute_group, impute_row
from .normalise import Normaliser
from .screen import screen_units
from .spec import ImputeSpec, PipelineSpec
from .treat import TreatReport, treat

# Indicator values `(n_units, n_indicators)` after each step, in order. The aggregates
# are not a stage: they are `IndexResult.aggregates`, one column per aggregate code.
STAGES = ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised")


@dataclass(frozen=True)
class Stage:
    """Indicator values of the units present at one stage: `X` is `(n_units, n_indicators)`."""

    unit_codes: npt.NDArray[np.str_]
    times: npt.NDArray[np.int64] | None
    X: npt.NDArray[np.float64]


@dataclass(frozen=True)
class IndexResult:
    """Every stage, the aggregates `(n_units, n_aggregates)` and their ranks.

    Rows of `aggregates`/`ranks` follow `unit_codes` (and `times` for a panel): the units
    kept by screening, sorted by code then year.
    """

    framework: Framework
    stages: Mapping[str, Stage]
    unit_codes: npt.NDArray[np.str_]
    times: npt.NDArray[np.int64] | None
    aggregates: npt.NDArray[np.float64]
    ranks: npt.NDArray[np.float64]
    treat_reports: Mapping[int | None, TreatReport] = field(default_factory=dict)
    normalisers: Mapping[int | None, Normaliser] = field(default_factory=dict)
    dropped_units: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # Indicators whose normalisation divided by zero (their values are missing or +-Inf).
    warnings: tuple[DivisionByZeroWarning, ...] = ()

    def score(self, code: str) -> npt.NDArray[np.float64]:
        """Scores of one aggregate (e.g. the index) per unit."""
        return self.aggregates[:, self.framework.aggregate_codes.index(code)]

    def rank(self, code: str) -> npt.NDArray[np.float64]:
        return self.ranks[:, self.framework.aggregate_codes.index(code)]

    @property
    def treat_report(self) -> TreatReport | None:
        """The treatment report of a single edition."""
        return next(iter(self.treat_reports.values()), None)

    @property
    def normaliser(self) -> Normaliser | None:
        """The fitted normaliser of a single edition (or the pooled one of a panel)."""
        return next(iter(self.normalisers.values()), None)


@dataclass
class _Prepared:
    stages: dict[str, Stage]
    report: TreatReport | None
    dropped: tuple[str, ...]
    notes: list[str]


# Per-edition mappings: keyed by year, or by `None` for a dataset of a single edition.
Years = list[int | None]
Editions = dict[int | None, _Prepared]
Values = dict[int | None, npt.NDArray[np.float64]]
Normalisers = dict[int | None, Normaliser]


def _impute(
    X: npt.NDArray[np.float64], ds: Dataset, fw: Framework, spec: ImputeSpec
) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Missing values of `X` `(n_units, n_indicators)` filled, and a note if some remain."""
    if spec.by == "column":
        X = impute_column(X, stat=spec.stat)
    elif spec.by == "group":
        assert spec.group is not None
        if spec.group not in ds.groups:
            raise MissingColumnError(spec.group, role="group")
        X = impute_group(X, ds.groups[spec.group], stat=spec.stat)
    else:
        X = impute_row(X, fw.direction)
    left = int(np.isnan(X).sum())
    notes = [f"impute: {left} values still missing (no data to impute from)"] if left else []
    return X, notes


def _prepare(ds: Dataset, fw: Framework, spec: PipelineSpec) -> _Prepared:
    """Steps before normalisation, for one edition."""
    stages: dict[str, Stage] = {}
    notes: list[str] = []
    X = ds.X
    codes, times = ds.unit_codes, ds.times
    stages["Raw"] = Stage(codes, times, X)
    if spec.denominate:
        X = denominate(
            X,
            ds.denominators,
            fw.denominator,
            unit_codes=codes,
            indicator_codes=fw.indicator_codes,
        )
    stages["Denominated"] = Stage(codes, times, X)
    if spec.impute is not None:
        X, notes = _impute(X, ds, fw, spec.impute)
    stages["Imputed"] = Stage(codes, times, X)
    dropped: tuple[str, ...] = ()
    if spec.screen is not None:
        keep = screen_units(X, dat_thresh=spec.screen)
        dropped = tuple(codes[~keep].tolist())
        if not keep.any():
            raise NoDataError(step="screen", unit=str(codes[0]) if codes.size else "")
        if not keep.all():  # every unit kept: the same array, not a copy
            X = X[keep]
            codes = codes[keep]
            times = None if times is None else times[keep]
    stages["Screened"] = Stage(codes, times, X)
    report = None
    if spec.treat is not None:
        active, winmax, skew, kurt = spec.treat.arrays(fw.indicator_codes)
        X, report = treat(
            X,
            codes=fw.indicator_codes,
            active=active,
            winmax=winmax,
            skew_thresh=skew,
            kurt_thresh=kurt,
            combine=spec.treat.combine,
        )
    stages["Treated"] = Stage(codes, times, X)
    return _Prepared(stages, report, dropped, notes)


def _new_normaliser(fw: Framework, spec: PipelineSpec) -> Normaliser | None:
    """An unfitted normaliser of the pipeline's methods (None without a normalise step)."""
    if spec.normalise is None:
        return None
    return Normaliser(
        spec.normalise.methods(fw.indicator_codes),
        directions=fw.direction,
        targets=fw.target,
        codes=fw.indicator_codes,
        zero_division=spec.normalise.zero_division,
    )


def _parse(pipeline: PipelineSpec | Mapping[str, Any] | None, fw: Framework) -> PipelineSpec:
    return (
        pipeline if isinstance(pipeline, PipelineSpec) else PipelineSpec.parse(pipeline or {}, fw)
    )


def _concat(stages: list[Stage]) -> Stage:
    """Editions stacked into one panel stage, rows sorted by unit code then year."""
    times = None if stages[0].times is None else np.concatenate([s.times for s in stages])  # type: ignore[misc]
    codes = np.concatenate([s.unit_codes for s in stages])
    X = np.concatenate([s.X for s in stages])
    order = np.lexsort((times, codes)) if times is not None else np.argsort(codes, kind="stable")
    return Stage(codes[order], None if times is None else times[order], X[order])


def _stack(stages: list[Stage]) -> Stage:
    """One edition's stage as it is; several editions concatenated (see `_concat`)."""
    return _concat(stages) if len(stages) > 1 else stages[0]


def _prepare_editions(
    dataset: Dataset, fw: Framework, spec: PipelineSpec, years: Years
) -> Editions:
    """Every step before normalisation, edition by edition (`None`: a single edition)."""
    return {y: _prepare(dataset if y is None else dataset.edition(y), fw, spec) for y in years}


def _apply_base_normaliser(
    normaliser: Normaliser, treated: dict[int | None, Stage]
) -> tuple[Values, Normalisers]:
    """Score every edition on the scale of a normaliser fitted elsewhere (a base edition)."""
    return (
        {y: normaliser.transform(st.X) for y, st in treated.items()},
        dict.fromkeys(treated, normaliser),
    )


def _fit_pooled(
    fw: Framework, spec: PipelineSpec, treated: dict[int | None, Stage]
) -> tuple[Values, Normalisers]:
    """Fit one normaliser on every edition at once (`global: true`); it is keyed `None`."""
    pooled = _concat(list(treated.values()))
    fitted = _new_normaliser(fw, spec)
    assert fitted is not None
    fitted.fit(pooled.X, unit_codes=pooled.unit_codes)
    return {y: fitted.transform(st.X) for y, st in treated.items()}, {None: fitted}


def _fit_per_edition(
    fw: Framework, spec: PipelineSpec, treated: dict[int | None, Stage]
) -> tuple[Values, Normalisers]:
    """Fit and apply a normaliser on each edition separately."""
    normalised: Values = {}
    normalisers: Normalisers = {}
    for y, st in treated.items():
        fitted = _new_normaliser(fw, spec)
        assert fitted is not None
        normalised[y] = fitted.fit_transform(st.X, unit_codes=st.unit_codes)
        normalisers[y] = fitted
    return normalised, normalisers


def _normalise_editions(
    fw: Framework,
    spec: PipelineSpec,
    treated: dict[int | None, Stage],
    normaliser: Normaliser | None,
) -> tuple[Values, Normalisers]:
    """Normalised values `(n_units, n_indicators)` per edition, and the normalisers used."""
    if normaliser is not None:
        return _apply_base_normaliser(normaliser, treated)
    if spec.normalise is None:
        return {y: st.X for y, st in treated.items()}, {}
    if spec.normalise.pooled and len(treated) > 1:
        return _fit_pooled(fw, spec, treated)
    return _fit_per_edition(fw, spec, treated)


def _aggregate_edition(
    normalised: npt.NDArray[np.float64],
    unit_codes: npt.NDArray[np.str_],
    fw: Framework,
    spec: PipelineSpec,
    weights: Mapping[str, float],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Aggregates and their ranks, both `(n_units, n_aggregates)`; NaN without the step."""
    if spec.aggregate is None:
        aggregated = np.full((normalised.shape[0], len(fw.aggregate_codes)), np.nan)
    else:
        a = spec.aggregate
        aggregated = aggregate_tree(
            normalised,
            fw,
            methods=a.methods,
            weights=weights or None,
            p=a.p,
            dat_thresh=a.dat_thresh,
            unit_codes=unit_codes,
        )
    return aggregated, rank_descending(aggregated)


def _cached(cache: dict[str, Any] | None, key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, or its value from an earlier call with the same `key`."""
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _up_to_normalised(
    dataset: Dataset,
    fw: Framework,
    spec: PipelineSpec,
    years: Years,
    normaliser: Normaliser | None,
    cache: dict[str, Any] | None,
) -> tuple[Editions, Values, Normalisers]:
    """Every step up to normalisation, per edition, reusing `cache` (see `build`)."""
    pre_key = "pre:" + spec.key("denominate", "impute", "screen", "treat")
    prepared: Editions = _cached(
        cache, pre_key, lambda: _prepare_editions(dataset, fw, spec, years)
    )
    treated = {y: prepared[y].stages["Treated"] for y in years}
    # A base normaliser comes from outside the pipeline: its results are not cached.
    norm_cache = cache if normaliser is None else None
    normalised, normalisers = _cached(
        norm_cache,
        pre_key + "|norm:" + spec.key("normalise"),
        lambda: _normalise_editions(fw, spec, treated, normaliser),
    )
    return prepared, normalised, normalisers


def normalised_edition(
    dataset: Dataset,
    framework: Framework,
    pipeline: PipelineSpec | Mapping[str, Any],
    *,
    cache: dict[str, Any] | None = None,
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]]:
    """The units kept and their normalised indicators `(n_units, n_indicators)`.

    For a dataset of one edition; the same steps and `cache` as `build`, without the
    aggregation (the uncertainty analysis aggregates many weight sets at once).
    """
    spec = _parse(pipeline, framework)
    prepared, normalised, _ = _up_to_normalised(dataset, framework, spec, [None], None, cache)
    return prepared[None].stages["Treated"].unit_codes, normalised[None]


def build(
    dataset: Dataset,
    framework: Framework,
    pipeline: PipelineSpec | Mapping[str, Any] | None = None,
    *,
    normaliser: Normaliser | None = None,
    weights: Mapping[str, float] | None = None,
    cache: dict[str, Any] | None = None,
) -> IndexResult:
    """Run the pipeline on a dataset.

    `normaliser`: an already fitted `Normaliser` (e.g. from a base edition) applied instead
    of fitting one on this data. `weights`: replaces weights of some codes (takes
    precedence over the pipeline's). `cache`: a dict reused across calls to skip steps
    whose settings did not change (used by the uncertainty analysis).
    """
    spec = _parse(pipeline, framework)
    fw = framework
    years: Years = list(dataset.years()) if dataset.is_panel else [None]
    prepared, normalised, normalisers = _up_to_normalised(
        dataset, fw, spec, years, normaliser, cache
    )
    treated = {y: prepared[y].stages["Treated"] for y in years}

    agg_weights = dict(spec.aggregate.weights or {}) if spec.aggregate else {}
    agg_weights.update(weights or {})
    aggregated: Values = {}
    ranks: Values = {}
    for y in years:
        aggregated[y], ranks[y] = _aggregate_edition(
            normalised[y], treated[y].unit_codes, fw, spec, agg_weights
        )

    def stack(values: Values) -> Stage:
        return _stack([Stage(treated[y].unit_codes, treated[y].times, values[y]) for y in years])

    stages = {name: _stack([prepared[y].stages[name] for y in years]) for name in STAGES[:-1]}
    stages["Normalised"] = stack(normalised)
    reports = {y: prepared[y].report for y in years if prepared[y].report is not None}
    return IndexResult(
        framework=fw,
        stages=stages,
        unit_codes=stages["Normalised"].unit_codes,
        times=stages["Normalised"].times,
        aggregates=stack(aggregated).X,
        ranks=stack(ranks).X,
        treat_reports=reports,  # type: ignore[arg-type]
        normalisers=normalisers,
        dropped_units=tuple(u for y in years for u in prepared[y].dropped),
        notes=tuple(n for y in years for n in prepared[y].notes),
        # A base normaliser serves every edition: each warning is listed once.
        warnings=tuple(dict.fromkeys(w for n in normalisers.values() for w in n.warnings_)),
    )


def fit_normaliser(
    dataset: Dataset, framework: Framework, pipeline: PipelineSpec | Mapping[str, Any]
) -> Normaliser:
    """Fit the pipeline's normalisation on a base edition, to apply to later ones.

    Pass the result as `build(..., normaliser=...)`: later editions are then scored on the
    base edition's scale, so a change in score is a change in the data.
    """
    result = build(dataset, framework, pipeline)
    fitted = result.normaliser
    if fitted is None:
        fitted = _new_normaliser(framework, _parse(pipeline, framework))
        if fitted is None:
            raise NoDataError(step="normalise", indicator="(pipeline has no normalise step)")
    return fitted
