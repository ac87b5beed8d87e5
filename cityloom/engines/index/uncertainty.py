"""Uncertainty analysis: rebuild the index with randomly drawn settings.

An uncertain input is a `Choice` among values of any pipeline key (`"treat.winmax"`,
`"normalise"`, `"aggregate.method"`...) or `NoisyWeights` (each weight times
1 + f U(-1, 1), per level). A run maps one uniform number per input onto an option, so
the same design serves the sensitivity analysis. Steps whose settings repeat across
runs are computed once (a cache keyed by the settings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .data import Dataset
from .errors import PipelineKeyError
from .framework import Framework
from .pipeline import build
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

    def indices(self, U: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        k = np.array([x.n_options for x in self.inputs])
        return np.minimum((U * k).astype(np.intp), k - 1)

    def run(
        self, index: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        choice_key = tuple(
            int(i) for i, x in zip(index, self.inputs, strict=True) if isinstance(x, Choice)
        )
        spec = self.specs.get(choice_key)
        if spec is None:
            overrides = {
                x.key: x.options[int(i)]
                for i, x in zip(index, self.inputs, strict=True)
                if isinstance(x, Choice)
            }
            spec = PipelineSpec.parse(with_overrides(self.source, overrides), self.framework)
            self.specs[choice_key] = spec
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

    def run_many(
        self, U: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        idx = self.indices(U)
        out = [self.run(row) for row in idx]
        return idx, np.array([s for s, _ in out]), np.array([r for _, r in out])


def run_uncertainty(
    dataset: Dataset,
    framework: Framework,
    pipeline: PipelineSpec | Mapping[str, Any],
    inputs: Sequence[UncertainInput],
    *,
    n_runs: int,
    rng: np.random.Generator,
    target: str | None = None,
) -> UncertaintyResult:
    """`n_runs` builds with settings drawn at random (uniformly among each input's options)."""
    runner = _Runner(dataset, framework, pipeline, inputs, rng, target)
    U = rng.random((n_runs, len(runner.inputs)))
    idx, scores, ranks = runner.run_many(U)
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
