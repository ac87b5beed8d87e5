"""Benchmark of the composite-index engine: `python benchmarks/bench_index.py`.

Prints, on this machine:
- the full COINr example pipeline on ASEM (51 units x 49 indicators), in process;
- an uncertainty analysis of 100 runs on ASEM (winmax 1-5, minmax 1-100 or zscore 10/2,
  noisy weights 25 % at pillar and sub-index levels, arithmetic or geometric mean);
- full builds of 10,000 and 240,000 synthetic units x 100 indicators (the 240k build in a
  child process, to measure its peak memory);
- an uncertainty analysis of 1,000 runs on 1,000 units x 100 indicators.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cityloom.engines.index.coinr_io import meta_groups, read_data, read_meta  # noqa: E402
from cityloom.engines.index.data import Dataset  # noqa: E402
from cityloom.engines.index.framework import Framework  # noqa: E402
from cityloom.engines.index.pipeline import build  # noqa: E402
from cityloom.engines.index.uncertainty import Choice, NoisyWeights, run_uncertainty  # noqa: E402

ASEM = ROOT / "tests" / "engines" / "index" / "data" / "coinr-asem"
PIPELINE = {
    "denominate": True,
    "impute": {"stat": "mean", "by": "group", "group": "EurAsia_group"},
    "screen": {"dat_thresh": 0.9},
    "treat": {"winmax": 5, "skew": 2.0, "kurt": 3.5},
    "normalise": {"method": "minmax", "lower": 0, "upper": 100},
    "aggregate": {"method": "amean"},
}
SYNTHETIC_PIPELINE = {**PIPELINE, "impute": {"stat": "mean", "by": "group", "group": "region"}}
UA_INPUTS = [
    Choice("treat.winmax", (1, 2, 3, 4, 5)),
    Choice(
        "normalise",
        (
            {"method": "minmax", "lower": 1, "upper": 100},
            {"method": "zscore", "mean": 10, "sd": 2},
        ),
    ),
    NoisyWeights({2: 0.25, 3: 0.25}),
    Choice("aggregate.method", ("amean", "gmean")),
]


def median_time(func: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(
    n_units: int,
    n_indicators: int = 100,
    seed: int = 0,
    max_sigma: float = 1.2,
    denominated: bool = True,
) -> tuple[Dataset, Framework]:
    """Log-normal indicators with 2 % missing, 10 pillars, 3 sub-indices, one index.

    `max_sigma` bounds the skew: the uncertainty analysis uses mild skew so that z-scores
    of mean 10 and sd 2 stay positive, as the geometric mean requires.
    """
    rng = np.random.default_rng(seed)
    codes = [f"i{j:03d}" for j in range(n_indicators)]
    pillars = [f"P{j % 10}" for j in range(n_indicators)]
    parents: dict[str, str | None] = dict(zip(codes, pillars, strict=True))
    parents.update({f"P{p}": f"S{p % 3}" for p in range(10)})
    parents.update({f"S{s}": "Index" for s in range(3)})
    parents["Index"] = None
    directions = {c: (-1 if j % 7 == 0 else 1) for j, c in enumerate(codes)}
    denominators = {c: "pop" for j, c in enumerate(codes) if j % 10 == 3 and denominated}
    fw = Framework.from_tree(codes, parents, directions=directions, denominators=denominators)
    X = rng.lognormal(
        mean=1.0, sigma=rng.uniform(0.05, max_sigma, n_indicators), size=(n_units, n_indicators)
    )
    X[rng.random(X.shape) < 0.02] = np.nan
    pop = rng.uniform(1e3, 1e6, n_units)
    regions = rng.integers(0, 20, n_units).astype(str).astype(object)
    units = np.char.add("u", np.arange(n_units).astype(str))
    ds = Dataset.from_arrays(units, X, denominators={"pop": pop}, groups={"region": regions})
    return ds, fw


def child_build(n_units: int) -> None:
    """Run in a child process: one full build, then print seconds and peak RSS in MB."""
    ds, fw = synthetic(n_units)
    start = time.perf_counter()
    build(ds, fw, SYNTHETIC_PIPELINE)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak_mb:.0f}")


def main() -> None:
    fw = read_meta(ASEM / "ASEM_iMeta.csv")
    ds = read_data(ASEM / "ASEM_iData.csv", fw, group_columns=meta_groups(ASEM / "ASEM_iMeta.csv"))
    t = median_time(lambda: build(ds, fw, PIPELINE), 20)
    print(
        f"ASEM full pipeline (51 x 49, with treatment), in process: {t * 1e3:.2f} ms (median of 20)"
    )

    t = median_time(
        lambda: run_uncertainty(
            ds, fw, PIPELINE, UA_INPUTS, n_runs=100, rng=np.random.default_rng(1)
        ),
        5,
    )
    print(
        f"ASEM uncertainty analysis, 100 runs: {t * 1e3:.1f} ms (median of 5); "
        f"COINr ~7 s, so {7 / t:.0f}x faster (goal >= 50x)"
    )

    ds10, fw10 = synthetic(10_000)
    t = median_time(lambda: build(ds10, fw10, SYNTHETIC_PIPELINE), 3)
    print(f"Full build, 10,000 units x 100 indicators: {t:.3f} s (median of 3; goal < 1 s)")

    done = subprocess.run(
        [sys.executable, __file__, "--child-build", "240000"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak = done.stdout.split()
    print(
        f"Full build, 240,000 units x 100 indicators: {float(seconds):.2f} s, peak memory of "
        f"the process (data included) {float(peak):.0f} MB (goals < 15 s, < 4096 MB)"
    )

    ds1k, fw1k = synthetic(1_000, seed=2, max_sigma=0.25, denominated=False)
    start = time.perf_counter()
    run_uncertainty(
        ds1k, fw1k, SYNTHETIC_PIPELINE, UA_INPUTS, n_runs=1000, rng=np.random.default_rng(3)
    )
    t = time.perf_counter() - start
    print(
        f"Uncertainty analysis, 1,000 runs on 1,000 units x 100 indicators: {t:.2f} s (goal < 60 s)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-build":
        child_build(int(sys.argv[2]))
    else:
        main()
