"""Variance-based sensitivity analysis (Saltelli design) of the ranking.

Matrices A and B `(N, d)` of uniform draws and, for each input i, A with column i taken
from B: N (d + 2) runs. Target: y = mean absolute rank shift from the nominal ranking.
First order S_i = mean(y_B (y_ABi - y_A)) / var(y_A U y_B); total
ST_i = sum((y_A - y_ABi)^2) / (2 N var); var with n - 1. Bounds by bootstrap over the N rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .data import Dataset
from .framework import Framework
from .spec import PipelineSpec
from .uncertainty import UncertainInput, _Runner


@dataclass(frozen=True)
class SensitivityResult:
    """Indices per input `(d,)`, with bootstrap 5 % and 95 % bounds."""

    names: tuple[str, ...]
    first_order: npt.NDArray[np.float64]
    total: npt.NDArray[np.float64]
    first_order_q05: npt.NDArray[np.float64]
    first_order_q95: npt.NDArray[np.float64]
    total_q05: npt.NDArray[np.float64]
    total_q95: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]


def saltelli_design(n: int, d: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Stacked [A; B; AB_1; ...; AB_d], `(n (d + 2), d)` uniform numbers."""
    A = rng.random((n, d))
    B = rng.random((n, d))
    blocks = [A, B]
    for i in range(d):
        ABi = A.copy()
        ABi[:, i] = B[:, i]
        blocks.append(ABi)
    return np.vstack(blocks)


def sobol_indices(
    y: npt.NDArray[np.float64], n: int, d: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """First-order and total indices from outputs `y` `(n (d + 2),)` of `saltelli_design`."""
    yA, yB = y[:n], y[n : 2 * n]
    yAB = y[2 * n :].reshape(d, n).T
    var = np.var(np.concatenate([yA, yB]), ddof=1)
    first = np.mean(yB[:, None] * (yAB - yA[:, None]), axis=0) / var
    total = np.sum((yA[:, None] - yAB) ** 2, axis=0) / (2 * n * var)
    return first, total


def _bootstrap(
    y: npt.NDArray[np.float64], n: int, d: int, n_boot: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    yA, yB = y[:n], y[n : 2 * n]
    yAB = y[2 * n :].reshape(d, n).T
    idx = rng.integers(0, n, size=(n_boot, n))
    a, b, ab = yA[idx], yB[idx], yAB[idx]  # (n_boot, n), (n_boot, n, d)
    var = np.var(np.concatenate([a, b], axis=1), axis=1, ddof=1)[:, None]
    first = np.mean(b[:, :, None] * (ab - a[:, :, None]), axis=1) / var
    total = np.sum((a[:, :, None] - ab) ** 2, axis=1) / (2 * n * var)
    return first, total


def run_sensitivity(
    dataset: Dataset,
    framework: Framework,
    pipeline: PipelineSpec | Mapping[str, Any],
    inputs: Sequence[UncertainInput],
    *,
    n: int,
    rng: np.random.Generator,
    target: str | None = None,
    n_boot: int = 200,
) -> SensitivityResult:
    """Sensitivity of the target's ranking to each uncertain input."""
    runner = _Runner(dataset, framework, pipeline, inputs, rng, target)
    d = len(runner.inputs)
    U = saltelli_design(n, d, rng)
    _, _, ranks = runner.run_many(U)
    nominal = runner.nominal.rank(runner.target)
    y = np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)
    first, total = sobol_indices(y, n, d)
    bf, bt = _bootstrap(y, n, d, n_boot, rng)
    return SensitivityResult(
        names=tuple(x.name for x in runner.inputs),
        first_order=first,
        total=total,
        first_order_q05=np.percentile(bf, 5, axis=0),
        first_order_q95=np.percentile(bf, 95, axis=0),
        total_q05=np.percentile(bt, 5, axis=0),
        total_q95=np.percentile(bt, 95, axis=0),
        y=y,
    )
