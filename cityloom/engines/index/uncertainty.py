"""Uncertainty analysis: rebuild the index with randomly drawn settings.

An uncertain input is a `Choice` among values of any pipeline key (`"treat.winmax"`,
`"normalise"`, `"aggregate.method"`...) or `NoisyWeights` (each weight times
1 + f U(-1, 1), per level). A run maps one uniform number per input onto an option, so
the same design serves the sensitivity analysis. Steps whose settings repeat across
runs are computed once (a cache keyed by the settings), and runs that differ only in
their weights are aggregated together, one matrix product per level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .aggregate import BatchUnsupported, aggregate_runs, rank_descending
from .data import Dataset
from .errors import IndexEngineError, PipelineKeyError
from .framework import Framework
from .pipeline import build, normalised_edition
from .spec import PipelineSpec, with_overrides


@dataclass(frozen=True)
class Choice:
    """Equally likely alternatives for one pipeline key (dotted, e.g. `treat.winmax`)."""

    key: str
    options: tuple[Any, ...]

    @property
    def name(self) -> str:
        return self.key

    @property
    def n_options(self) -> int:
        return len(self.options)


@dataclass(frozen=True)
class NoisyWeights:
    """Weights of the given levels perturbed: w (1 + noise U(-1, 1)), `n_sets` draws."""

    noise: Mapping[int, float]
    n_sets: int = 100

    @property
    def name(self) -> str:
        return "weights"

    @property
    def n_options(self) -> int:
        return self.n_sets


UncertainInput = Choice | NoisyWeights
# Values per batch of runs in `_Runner.run_batched` (runs x units x aggregates of a level).
_BATCH_CELLS = 4_000_000


def noisy_weights(
    framework: Framework,
    noise: Mapping[int, float],
    n_sets: int,
    rng: np.random.Generator,
    base: Mapping[str, float] | None = None,
) -> list[dict[str, float]]:
    """`n_sets` weight sets: the weights of level L times 1 + noise[L] U(-1, 1)."""
    source = {**framework.weight, **(base or {})}
    out: list[dict[str, float]] = [{} for _ in range(n_sets)]
    for level, factor in noise.items():
        codes = framework.codes_at(level)
        if not codes:
            raise PipelineKeyError(f"weights.noise.{level}", "no codes at this level")
        w = np.array([source[c] for c in codes])
        draws = w * (1 + factor * rng.uniform(-1, 1, size=(n_sets, len(codes))))
        for s in range(n_sets):
            out[s].update(zip(codes, draws[s].tolist(), strict=True))
    return out


@dataclass(frozen=True)
class UncertaintyResult:
    """Scores and ranks of the target aggregate in every run: `(n_runs, n_units)`.

    Units are those of the nominal build; a unit screened out in a run is NaN there.
    """

    unit_codes: npt.NDArray[np.str_]
    target: str
    nominal_scores: npt.NDArray[np.float64]
    nominal_ranks: npt.NDArray[np.float64]
    draws: npt.NDArray[np.intp]
    scores: npt.NDArray[np.float64]
    ranks: npt.NDArray[np.float64]

    @property
    def rank_mean(self) -> npt.NDArray[np.float64]:
        return np.nanmean(self.ranks, axis=0)

    @property
    def rank_median(self) -> npt.NDArray[np.float64]:
        return np.nanmedian(self.ranks, axis=0)

    @property
    def rank_q05(self) -> npt.NDArray[np.float64]:
        return np.nanpercentile(self.ranks, 5, axis=0)

    @property
    def rank_q95(self) -> npt.NDArray[np.float64]:
        return np.nanpercentile(self.ranks, 95, axis=0)


class _Runner:
    """Evaluates runs given option indices, sharing one cache of stage results."""

    def __init__(
        self,
        dataset: Dataset,
        framework: Framework,
        pipeline: PipelineSpec | Mapping[str, Any],
        inputs: Sequence[UncertainInput],
        rng: np.random.Generator,
        target: str | None,
    ) -> None:
        self.dataset, self.framework, self.inputs = dataset, framework, tuple(inputs)
        spec = (
            pipeline
            if isinstance(pipeline, PipelineSpec)
            else PipelineSpec.parse(pipeline, framework)
        )
        self.source = dict(spec.source)
        self.cache: dict[str, Any] = {}
        self.target = target or framework.meta_order[-1]
        self.nominal = build(dataset, framework, spec, cache=self.cache)
        self.position = {u: i for i, u in enumerate(self.nominal.unit_codes.tolist())}
        base_weights = None
        if spec.aggregate is not None and spec.aggregate.weights:
            base_weights = spec.aggregate.weights
        self.weight_sets = [
            noisy_weights(framework, x.noise, x.n_sets, rng, base_weights)
            if isinstance(x, NoisyWeights)
            else None
            for x in self.inputs
        ]
        self.specs: dict[tuple[int, ...], PipelineSpec] = {}
        self.options: dict[int, list[tuple[int, npt.NDArray[np.float64]]]] = {}

    def indices(self, U: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        k = np.array([x.n_options for x in self.inputs])
        return np.minimum((U * k).astype(np.intp), k - 1)

    def choice_key(self, index: npt.NDArray[np.intp]) -> tuple[int, ...]:
        """The options drawn for the `Choice` inputs: runs that share it share a pipeline."""
        return tuple(
            int(i) for i, x in zip(index, self.inputs, strict=True) if isinstance(x, Choice)
        )

    def spec(self, index: npt.NDArray[np.intp]) -> PipelineSpec:
        choice_key = self.choice_key(index)
        spec = self.specs.get(choice_key)
        if spec is None:
            overrides = {
                x.key: x.options[int(i)]
                for i, x in zip(index, self.inputs, strict=True)
                if isinstance(x, Choice)
            }
            spec = PipelineSpec.parse(with_overrides(self.source, overrides), self.framework)
            self.specs[choice_key] = spec
        return spec

    def run(
        self, index: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """One run, built on its own: the reference for `run_batched`."""
        spec = self.spec(index)
        weights: dict[str, float] = {}
        for i, sets in zip(index, self.weight_sets, strict=True):
            if sets is not None:
                weights.update(sets[int(i)])
        result = build(
            self.dataset, self.framework, spec, weights=weights or None, cache=self.cache
        )
        n = len(self.position)
        scores, ranks = np.full(n, np.nan), np.full(n, np.nan)
        rows = np.array([self.position.get(u, -1) for u in result.unit_codes.tolist()])
        ok = rows >= 0
        scores[rows[ok]] = result.score(self.target)[ok]
        ranks[rows[ok]] = result.rank(self.target)[ok]
        return scores, ranks

    def run_each(
        self, idx: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Scores and ranks `(n_runs, n_units)`, one full build per run."""
        n = len(self.position)
        scores, ranks = np.full((len(idx), n), np.nan), np.full((len(idx), n), np.nan)
        for r, row in enumerate(idx):
            scores[r], ranks[r] = self.run(row)
        return scores, ranks

    def level_weights(
        self, idx: npt.NDArray[np.intp], spec: PipelineSpec
    ) -> list[npt.NDArray[np.float64]]:
        """Per level above indicators, its children's raw weights in each run.

        `(m,)` for a level no noisy input touches, else `(n_runs, m)`: the spec's weights,
        then each `NoisyWeights` input's drawn set over them, in input order (as `run`).
        """
        fw = self.framework
        base = dict(spec.aggregate.weights or {}) if spec.aggregate else {}
        out = []
        for level, groups in enumerate(fw.levels):
            w = np.array([float(base.get(c, fw.weight[c])) for c in groups.child_codes])
            for i, options in self._options(level):
                drawn = options[idx[:, i]]
                w = np.where(np.isnan(drawn), w, drawn)
            out.append(w)
        return out

    def _options(self, level: int) -> list[tuple[int, npt.NDArray[np.float64]]]:
        """Per noisy input touching the children of `fw.levels[level]`: its weight sets
        as `(n_sets, m)` (NaN for a code the input leaves alone). Computed once."""
        if level not in self.options:
            codes = self.framework.levels[level].child_codes
            self.options[level] = [
                (i, np.array([[s.get(c, np.nan) for c in codes] for s in sets]))
                for i, sets in enumerate(self.weight_sets)
                if sets is not None and any(c in sets[0] for c in codes)
            ]
        return self.options[level]

    def run_batched(
        self, idx: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """`run_each`, with the runs that share a pipeline built together.

        Steps up to normalisation are computed once per pipeline (cached), the levels
        whose weights do not vary once per pipeline, and the levels above for all of its
        runs at once (`aggregate_runs`). Raises `BatchUnsupported` where it cannot.
        """
        if self.dataset.is_panel:
            raise BatchUnsupported("panel")
        n = len(self.position)
        scores, ranks = np.full((len(idx), n), np.nan), np.full((len(idx), n), np.nan)
        by_pipeline: dict[tuple[int, ...], list[int]] = {}
        for r, row in enumerate(idx):
            by_pipeline.setdefault(self.choice_key(row), []).append(r)
        for members in by_pipeline.values():
            runs = np.array(members)
            spec = self.spec(idx[runs[0]])
            if spec.aggregate is None:
                raise BatchUnsupported("no aggregation")
            units, X = normalised_edition(self.dataset, self.framework, spec, cache=self.cache)
            rows = np.array([self.position.get(u, -1) for u in units.tolist()])
            ok = rows >= 0
            weights = self.level_weights(idx[runs], spec)
            # Runs at a time: the per-run arrays stay near _BATCH_CELLS values.
            widest = max(len(g.parent_codes) for g in self.framework.levels)
            step = max(1, _BATCH_CELLS // max(1, X.shape[0] * widest))
            checked = False
            for start in range(0, len(runs), step):
                part = slice(start, start + step)
                got = aggregate_runs(
                    X,
                    self.framework,
                    [w if w.ndim == 1 else w[part] for w in weights],
                    n_runs=len(runs[part]),
                    target=self.target,
                    methods=spec.aggregate.methods,
                    p=spec.aggregate.p,
                    dat_thresh=spec.aggregate.dat_thresh,
                    unit_codes=units,
                )
                if np.isnan(got).any() and not checked:
                    # Missing scores come from missing data and thresholds, the same in every
                    # run of this pipeline while all weights are positive: one full build
                    # then tells whether a unit has no score at all (NoDataError).
                    if not all((w > 0).all() for w in weights):
                        raise BatchUnsupported("missing scores with zero or negative weights")
                    self.run(idx[runs[0]])
                    checked = True
                sel = runs[part][:, np.newaxis]
                scores[sel, rows[ok]] = got[:, ok]
                ranks[sel, rows[ok]] = rank_descending(got.T).T[:, ok]
        return scores, ranks

    def run_many(
        self, U: npt.NDArray[np.float64], *, batch: bool = True
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        idx = self.indices(U)
        if batch:
            try:
                return (idx, *self.run_batched(idx))
            except (BatchUnsupported, IndexEngineError):
                # Run by run, in order: the same results, or the first run's error.
                pass
        return (idx, *self.run_each(idx))


def run_uncertainty(
    dataset: Dataset,
    framework: Framework,
    pipeline: PipelineSpec | Mapping[str, Any],
    inputs: Sequence[UncertainInput],
    *,
    n_runs: int,
    rng: np.random.Generator,
    target: str | None = None,
    batch: bool = True,
) -> UncertaintyResult:
    """`n_runs` builds with settings drawn at random (uniformly among each input's options).

    Runs that share their pipeline settings and differ only in weights are aggregated
    together (`batch`); `batch=False` builds each run on its own (same ranks, slower).
    """
    runner = _Runner(dataset, framework, pipeline, inputs, rng, target)
    U = rng.random((n_runs, len(runner.inputs)))
    idx, scores, ranks = runner.run_many(U, batch=batch)
    nominal = runner.nominal
    return UncertaintyResult(
        unit_codes=nominal.unit_codes,
        target=runner.target,
        nominal_scores=nominal.score(runner.target),
        nominal_ranks=nominal.rank(runner.target),
        draws=idx,
        scores=scores,
        ranks=ranks,
    )
