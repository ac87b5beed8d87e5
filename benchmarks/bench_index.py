"""Benchmark of the composite-index engine: `python benchmarks/bench_index.py [--quick]`.

Prints, on this machine, each figure beside its goal (issue 18), CPU time beside wall time
(the machine is shared: CPU time is the fairer figure) and the load average:
- the full COINr example pipeline on ASEM (51 units x 49 indicators), in process;
- an uncertainty analysis of 100 runs on ASEM (winmax 1-5, minmax 1-100 or zscore 10/2,
  noisy weights 25 % at pillar and sub-index levels, arithmetic or geometric mean),
  against COINr's CPU time for the same analysis (goal: at least 500x faster);
- full builds of 10,000 and 240,000 synthetic units x 100 indicators (the 240k build in a
  child process, to measure its peak memory; goals < 5 s and < 2 GB). `--quick` (or
  BENCH_INDEX_QUICK=1) skips the 240k build, which takes about 10 s with its data;
- an uncertainty analysis of 1,000 runs on 1,000 units x 100 indicators (goal < 0.5 s).
"""

from __future__ import annotations

import os
import resource
import shutil
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


# COINr 1.1.14's CPU time for the same 100-run uncertainty analysis of ASEM, measured on
# this machine (issue 18). R is not installed here; where it is, measure it side by side.
COINR_UA_CPU_SECONDS = 11.2


def median_time(func: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def verdict(wall: float, cpu: float, goal: float) -> str:
    """Whether a time goal is met, in CPU time and in wall time (which the load inflates)."""

    def word(t: float) -> str:
        return "met" if t < goal else f"MISSED by {t / goal:.1f}x"

    return f"{word(cpu)} in CPU time, {word(wall)} in wall time"


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
    """Run in a child process: one full build; print wall and CPU seconds, peak RSS in MB."""
    ds, fw = synthetic(n_units)
    start, cpu = time.perf_counter(), time.process_time()
    build(ds, fw, SYNTHETIC_PIPELINE)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {cpu:.3f} {peak_mb:.0f}")


def main(quick: bool) -> None:
    print(f"load average at start: {load()} (2 cores)")
    fw = read_meta(ASEM / "ASEM_iMeta.csv")
    ds = read_data(ASEM / "ASEM_iData.csv", fw, group_columns=meta_groups(ASEM / "ASEM_iMeta.csv"))
    wall, cpu = median_time(lambda: build(ds, fw, PIPELINE), 20)
    print(
        f"ASEM full pipeline (51 x 49, with treatment), in process: {wall * 1e3:.2f} ms wall, "
        f"{cpu * 1e3:.2f} ms CPU (median of 20)"
    )

    def asem_ua() -> object:
        return run_uncertainty(
            ds, fw, PIPELINE, UA_INPUTS, n_runs=100, rng=np.random.default_rng(1)
        )

    asem_ua()  # warm-up
    wall, cpu = median_time(asem_ua, 21)
    speedup = COINR_UA_CPU_SECONDS / cpu
    source = (
        "R is installed but COINr is not run by this benchmark"
        if shutil.which("Rscript")
        else "R is not installed here"
    )
    print(
        f"ASEM uncertainty analysis, 100 runs: {cpu * 1e3:.1f} ms CPU, {wall * 1e3:.1f} ms wall "
        f"(median of 21); COINr {COINR_UA_CPU_SECONDS} s CPU (measured on this machine, "
        f"issue 18; {source}), so {speedup:.0f}x faster in CPU time "
        f"(goal >= 500x: {'met' if speedup >= 500 else 'MISSED'})"
    )

    ds10, fw10 = synthetic(10_000)
    wall, cpu = median_time(lambda: build(ds10, fw10, SYNTHETIC_PIPELINE), 3)
    print(
        f"Full build, 10,000 units x 100 indicators: {wall:.3f} s wall, {cpu:.3f} s CPU "
        f"(median of 3; goal < 1 s: {verdict(wall, cpu, 1)})"
    )

    if quick:
        print("Full build, 240,000 units x 100 indicators: skipped (--quick)")
    else:
        done = subprocess.run(
            [sys.executable, __file__, "--child-build", "240000"],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, cpu_s, peak = (float(v) for v in done.stdout.split())
        print(
            f"Full build, 240,000 units x 100 indicators: {seconds:.2f} s wall, {cpu_s:.2f} s "
            f"CPU (goal < 5 s: {verdict(seconds, cpu_s, 5)}), peak memory of the process (data "
            f"included) {peak:.0f} MB (goal < 2048 MB: {'met' if peak < 2048 else 'MISSED'})"
        )

    ds1k, fw1k = synthetic(1_000, seed=2, max_sigma=0.25, denominated=False)

    def big_ua() -> object:
        return run_uncertainty(
            ds1k, fw1k, SYNTHETIC_PIPELINE, UA_INPUTS, n_runs=1000, rng=np.random.default_rng(3)
        )

    wall, cpu = median_time(big_ua, 3)
    print(
        f"Uncertainty analysis, 1,000 runs on 1,000 units x 100 indicators: {wall:.3f} s wall, "
        f"{cpu:.3f} s CPU (median of 3; goal < 0.5 s: {verdict(wall, cpu, 0.5)})"
    )
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-build":
        child_build(int(sys.argv[2]))
    else:
        main(quick="--quick" in sys.argv[1:] or os.environ.get("BENCH_INDEX_QUICK") == "1")
