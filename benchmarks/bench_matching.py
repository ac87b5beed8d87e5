"""Benchmark of the mentor matching engine on synthetic data (seeded).

Prints the suggestion latency for one request against 10,000 candidates (median and p95
over many requests) and the time of the global assignment of 5,000 requests to 10,000
candidates. Goals on the 2-core reference machine: < 50 ms and < 10 s.

    .venv/bin/python benchmarks/bench_matching.py [--candidates N] [--requests M] [--seed S]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cityloom.engines.matching.assignment import assign
from cityloom.engines.matching.pool import build_pool
from cityloom.engines.matching.suggestion import suggest
from cityloom.engines.matching.synthetic import (
    TextGenerator,
    synthetic_candidates,
    synthetic_requests,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--suggest-samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240607)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    texts = TextGenerator(rng)
    candidates = synthetic_candidates(args.candidates, rng=rng, texts=texts)
    requests = synthetic_requests(
        args.requests, [c.city_id for c in candidates], rng=rng, texts=texts
    )
    print(
        f"data: {args.candidates} candidates, {args.requests} requests, "
        f"{sum(len(c.practice_texts) for c in candidates)} practice texts, "
        f"{sum(c.remaining_capacity for c in candidates)} free slots "
        f"({time.perf_counter() - started:.2f} s to generate)"
    )

    started = time.perf_counter()
    pool = build_pool(candidates)
    print(
        f"build_pool: {time.perf_counter() - started:.2f} s "
        f"({pool.practices_t.shape[0]} terms after max_df)"
    )

    suggest(requests[0], pool)  # warm-up: first calls import and allocate
    latencies = []
    for request in requests[: args.suggest_samples]:
        started = time.perf_counter()
        suggest(request, pool, limit=10)
        latencies.append(time.perf_counter() - started)
    ms = np.array(latencies) * 1000.0
    print(
        f"suggest (1 request x {pool.size} candidates, {ms.size} requests): "
        f"median {np.median(ms):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms, "
        f"max {ms.max():.2f} ms (goal p95 < 50 ms: {_verdict(np.percentile(ms, 95) < 50)})"
    )

    started = time.perf_counter()
    result = assign(requests, pool)
    elapsed = time.perf_counter() - started
    assigned = sum(match.city_id is not None for match in result.matches)
    print(
        f"assign ({len(requests)} requests x {pool.size} candidates): {elapsed:.2f} s "
        f"(goal < 10 s: {_verdict(elapsed < 10)}), {assigned} assigned, "
        f"total {result.total:.4f}, upper bound {result.upper_bound:.4f} "
        f"(certified gap {result.gap:.2e}), {result.n_pairs} pairs in the final matching, "
        f"{result.n_rounds} matching rounds, {result.n_rescored} request rows re-scored"
    )
    print(
        f"greedy one-by-one: total {result.greedy_total:.4f}, "
        f"{len(result.changes)} requests got a different mentor in the optimum"
    )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()
