"""Build an index: denominate, impute, screen, treat, normalise, aggregate, rank.

`build(dataset, framework, pipeline)` is the one entry point for the command line, the
Study app and the uncertainty analysis. Panels (several years) are processed per year;
normalisation is per year or, with `global: true`, pooled over every year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .aggregate import aggregate_tree, rank_descending
from .data import Dataset
from .denominate import denominate
from .errors import MissingColumnError, NoDataError
from .framework import Framework
from .impute import impute_column, impute_group, impute_row
from .normalise import Normaliser
from .screen import screen_units
from .spec import PipelineSpec
from .treat import TreatReport, treat

STAGES = ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated")


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
        imp = spec.impute
        if imp.by == "column":
            X = impute_column(X, stat=imp.stat)
        elif imp.by == "group":
            assert imp.group is not None
            if imp.group not in ds.groups:
                raise MissingColumnError(imp.group, role="group")
            X = impute_group(X, ds.groups[imp.group], stat=imp.stat)
        else:
            X = impute_row(X, fw.direction)
        left = int(np.isnan(X).sum())
        if left:
            notes.append(f"impute: {left} values still missing (no data to impute from)")
    stages["Imputed"] = Stage(codes, times, X)
    dropped: tuple[str, ...] = ()
    if spec.screen is not None:
        keep = screen_units(X, dat_thresh=spec.screen)
        dropped = tuple(codes[~keep].tolist())
        if not keep.any():
            raise NoDataError(step="screen", unit=str(codes[0]) if codes.size else "")
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


def _normaliser(fw: Framework, spec: PipelineSpec) -> Normaliser | None:
    if spec.normalise is None:
        return None
    return Normaliser(
        spec.normalise.methods(fw.indicator_codes),
        directions=fw.direction,
        targets=fw.target,
        codes=fw.indicator_codes,
    )


def _concat(stages: list[Stage]) -> Stage:
    times = None if stages[0].times is None else np.concatenate([s.times for s in stages])  # type: ignore[misc]
    codes = np.concatenate([s.unit_codes for s in stages])
    X = np.concatenate([s.X for s in stages])
    order = np.lexsort((times, codes)) if times is not None else np.argsort(codes, kind="stable")
    return Stage(codes[order], None if times is None else times[order], X[order])


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
    spec = (
        pipeline
        if isinstance(pipeline, PipelineSpec)
        else PipelineSpec.parse(pipeline or {}, framework)
    )
    fw = framework
    years: list[int | None] = list(dataset.years()) if dataset.is_panel else [None]
    pre_key = "pre:" + spec.key("denominate", "impute", "screen", "treat")
    prepared: dict[int | None, _Prepared]
    if cache is not None and pre_key in cache:
        prepared = cache[pre_key]
    else:
        prepared = {
            y: _prepare(dataset if y is None else dataset.edition(y), fw, spec) for y in years
        }
        if cache is not None:
            cache[pre_key] = prepared

    norm_key = pre_key + "|norm:" + spec.key("normalise")
    if cache is not None and normaliser is None and norm_key in cache:
        normalised, normalisers = cache[norm_key]
    else:
        normalisers: dict[int | None, Normaliser] = {}
        normalised: dict[int | None, npt.NDArray[np.float64]] = {}
        if normaliser is not None:
            for y in years:
                normalised[y] = normaliser.transform(prepared[y].stages["Treated"].X)
                normalisers[y] = normaliser
        elif spec.normalise is not None and spec.normalise.pooled and len(years) > 1:
            pooled = _concat([prepared[y].stages["Treated"] for y in years])
            fitted = _normaliser(fw, spec)
            assert fitted is not None
            fitted.fit(pooled.X, unit_codes=pooled.unit_codes)
            for y in years:
                normalised[y] = fitted.transform(prepared[y].stages["Treated"].X)
            normalisers = {None: fitted}
        elif spec.normalise is not None:
            for y in years:
                st = prepared[y].stages["Treated"]
                fitted = _normaliser(fw, spec)
                assert fitted is not None
                normalised[y] = fitted.fit_transform(st.X, unit_codes=st.unit_codes)
                normalisers[y] = fitted
        else:
            normalised = {y: prepared[y].stages["Treated"].X for y in years}
        if cache is not None and normaliser is None:
            cache[norm_key] = (normalised, normalisers)

    agg_weights = dict(spec.aggregate.weights or {}) if spec.aggregate else {}
    agg_weights.update(weights or {})
    n_agg = len(fw.aggregate_codes)
    aggregated: dict[int | None, npt.NDArray[np.float64]] = {}
    ranks: dict[int | None, npt.NDArray[np.float64]] = {}
    for y in years:
        st = prepared[y].stages["Treated"]
        if spec.aggregate is not None:
            a = spec.aggregate
            aggregated[y] = aggregate_tree(
                normalised[y],
                fw,
                methods=a.methods,
                weights=agg_weights or None,
                p=a.p,
                dat_thresh=a.dat_thresh,
                unit_codes=st.unit_codes,
            )
        else:
            aggregated[y] = np.full((st.X.shape[0], n_agg), np.nan)
        ranks[y] = rank_descending(aggregated[y])

    stage_lists: dict[str, list[Stage]] = {s: [] for s in STAGES[:5]}
    for y in years:
        for name in stage_lists:
            stage_lists[name].append(prepared[y].stages[name])
    stages = {name: _concat(lst) if len(lst) > 1 else lst[0] for name, lst in stage_lists.items()}
    treated = [prepared[y].stages["Treated"] for y in years]
    norm_stage = (
        _concat(
            [
                Stage(t.unit_codes, t.times, normalised[y])
                for t, y in zip(treated, years, strict=True)
            ]
        )
        if len(years) > 1
        else Stage(treated[0].unit_codes, treated[0].times, normalised[years[0]])
    )
    stages["Normalised"] = norm_stage
    stages["Aggregated"] = norm_stage
    if len(years) > 1:
        agg_all = _concat(
            [
                Stage(t.unit_codes, t.times, aggregated[y])
                for t, y in zip(treated, years, strict=True)
            ]
        ).X
        rank_all = _concat(
            [Stage(t.unit_codes, t.times, ranks[y]) for t, y in zip(treated, years, strict=True)]
        ).X
    else:
        agg_all, rank_all = aggregated[years[0]], ranks[years[0]]
    reports = {y: prepared[y].report for y in years if prepared[y].report is not None}
    return IndexResult(
        framework=fw,
        stages=stages,
        unit_codes=norm_stage.unit_codes,
        times=norm_stage.times,
        aggregates=agg_all,
        ranks=rank_all,
        treat_reports=reports,  # type: ignore[arg-type]
        normalisers=normalisers,
        dropped_units=tuple(u for y in years for u in prepared[y].dropped),
        notes=tuple(n for y in years for n in prepared[y].notes),
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
        spec = (
            pipeline
            if isinstance(pipeline, PipelineSpec)
            else PipelineSpec.parse(pipeline, framework)
        )
        fitted = _normaliser(framework, spec)
        if fitted is None:
            raise NoDataError(step="normalise", indicator="(pipeline has no normalise step)")
    return fitted
