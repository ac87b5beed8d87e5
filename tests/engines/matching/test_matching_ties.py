"""Regression: exact ties between requests made the dual computation report a "negative
cycle" (rounding of the arc lengths), and `assign` failed; plus the `excluded` pairs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from cityloom.engines.matching import (
    AXES,
    Candidate,
    InvalidValueError,
    Request,
    assign,
    build_pool,
    suggest,
)
from cityloom.engines.matching.jsonio import parse_input

from .test_matching_assign import check_feasible, expanded_optimum, random_case, scores

DATA = Path(__file__).parent / "data"
WORDS = [
    "ticketing",
    "bus",
    "metro",
    "tram",
    "cycling",
    "parking",
    "traffic",
    "sensors",
    "open",
    "data",
    "portal",
    "e-government",
    "broadband",
    "skills",
    "training",
    "startups",
    "incubator",
    "energy",
]
REGIONS = ("africa", "asia_pacific", "eurasia", "europe", "latin_america", "middle_east")


def app_like_case(seed: int, m: int, n: int) -> tuple[list[Candidate], list[Request]]:
    """Data shaped like the mentoring app's (one slot per city, a small vocabulary, every
    request in English on two axes): many requests differ by a city-independent amount, so
    the optimum has exact ties."""
    rng = random.Random(seed)
    cities = [
        {
            "city_id": str(i),
            "region": rng.choice(REGIONS),
            "population": float(rng.randint(20_000, 5_000_000)),
            "languages": frozenset(rng.sample(["en", "fr", "es", "de", "pt"], 2)),
        }
        for i in range(1, n + 1)
    ]
    candidates = [
        Candidate(
            axis_scores={axis: rng.uniform(0, 100) for axis in AXES},
            practice_texts=tuple(
                "\n".join(" ".join(rng.choice(WORDS) for _ in range(k)) for k in (4, 30, 30, 30))
                for _ in range(5)
            ),
            capacity=1,
            **city,
        )
        for city in cities
    ]
    requests = []
    for r in range(m):
        city = rng.choice(cities)
        requests.append(
            Request(
                id=str(r),
                city_id=city["city_id"],
                axes=tuple(rng.sample(AXES, 2)),
                need_text=" ".join(rng.choice(WORDS) for _ in range(25)),
                languages=frozenset({"en"}),
                region=city["region"],
                population=city["population"],
            )
        )
    return candidates, requests


def test_shrunk_case_with_a_cycle_of_ties_is_solved_optimally() -> None:
    parsed = parse_input(json.loads((DATA / "negative_cycle_case.json").read_text("utf-8")))
    pool = build_pool(parsed.candidates)
    requests = list(parsed.requests)
    matrix = scores(requests, pool, parsed.weights)
    # The case holds the tie that broke the duals: two requests whose swap of their top two
    # cities changes nothing, while the arc lengths of that cycle sum to -1.1e-16.
    i, k = (requests.index(r) for r in requests if r.id in ("28", "43"))
    a, b = (pool.index[city] for city in (pool.city_ids[137], pool.city_ids[267]))
    assert matrix[i, a] + matrix[k, b] == matrix[i, b] + matrix[k, a]
    assert (matrix[i, b] - matrix[i, a]) + (matrix[k, a] - matrix[k, b]) < 0
    result = assign(requests, pool, parsed.weights)
    optimum = expanded_optimum(matrix, pool.remaining)
    assert result.total == pytest.approx(optimum, abs=1e-12)
    assert 0.0 <= result.gap <= 1e-11
    check_feasible(result, requests, parsed.candidates, matrix, pool)


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 10, 11])
def test_app_like_cases_with_ties_match_the_hungarian_method(seed: int) -> None:
    # Seeds 2, 3 and 11 raised SolverError before the fix (so did 4 and 7 below).
    candidates, requests = app_like_case(seed, 60, 300)
    pool = build_pool(candidates)
    result = assign(requests, pool)
    matrix = scores(requests, pool)
    optimum = expanded_optimum(matrix, pool.remaining)
    assert result.total == pytest.approx(optimum, abs=1e-12)
    assert 0.0 <= result.gap <= 60 * 1e-12
    check_feasible(result, requests, candidates, matrix, pool)


@pytest.mark.parametrize("seed", [4, 7])
def test_app_like_cases_with_short_lists_match_the_hungarian_method(seed: int) -> None:
    # Short lists and a threshold: pricing rounds and full re-scoring on data with ties.
    candidates, requests = app_like_case(seed, 60, 300)
    pool = build_pool(candidates)
    result = assign(requests, pool, top_k=1, list_length=2, min_suitability=0.3)
    matrix = scores(requests, pool, min_suitability=0.3)
    assert result.total == pytest.approx(expanded_optimum(matrix, pool.remaining), abs=1e-12)
    check_feasible(result, requests, candidates, matrix, pool)


def random_exclusions(rng: np.random.Generator, requests, pool, matrix) -> dict[str, frozenset]:
    """For each request, its best cities and a few random ones (and an unknown city id)."""
    excluded = {}
    for row, request in enumerate(requests):
        best = np.argsort(-matrix[row], kind="stable")[: int(rng.integers(0, 4))]
        others = rng.choice(pool.size, size=int(rng.integers(0, 3)), replace=False)
        excluded[request.id] = frozenset(
            [pool.city_ids[j] for j in (*best, *others)] + ["no-such-city"]
        )
    return excluded


@pytest.mark.parametrize(("seed", "m", "n"), [(1, 40, 30), (2, 60, 300)])
def test_excluded_pairs_never_appear_and_the_assignment_stays_optimal(
    seed: int, m: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    candidates, requests = random_case(rng, m, n, n_themes=4)
    pool = build_pool(candidates)
    matrix = scores(requests, pool)
    excluded = random_exclusions(rng, requests, pool, matrix)
    excluded["not-in-the-batch"] = frozenset(pool.city_ids)
    allowed = matrix.copy()
    for row, request in enumerate(requests):
        for city in excluded[request.id] & set(pool.city_ids):
            allowed[row, pool.index[city]] = -np.inf
    result = assign(requests, pool, top_k=2, list_length=4, excluded=excluded)
    for match in result.matches:
        assert match.city_id not in excluded[match.request_id]
        assert match.greedy_city_id not in excluded[match.request_id]
    optimum = expanded_optimum(allowed, pool.remaining)
    assert result.total == pytest.approx(optimum, abs=1e-9)
    # Excluding the favourites costs something: the unrestricted optimum is strictly better.
    assert expanded_optimum(matrix, pool.remaining) > optimum + 1e-6
    check_feasible(result, requests, candidates, allowed, pool)


def test_excluding_a_request_s_only_city_leaves_it_unassigned() -> None:
    candidates = [Candidate(city_id="alba", axis_scores={"living": 90.0}, capacity=2)]
    requests = [Request(id=f"r{i}", city_id="x", axes=("living",)) for i in range(2)]
    pool = build_pool(candidates)
    result = assign(requests, pool, excluded={"r1": {"alba"}})
    assert [(m.city_id, m.greedy_city_id) for m in result.matches] == [
        ("alba", "alba"),
        (None, None),
    ]
    assert result.total == result.matches[0].suitability
    assert assign(requests, pool).total == pytest.approx(2 * result.total)


def test_suggest_skips_excluded_cities() -> None:
    rng = np.random.default_rng(5)
    candidates, requests = random_case(rng, 3, 25)
    pool = build_pool(candidates)
    request = requests[0]
    full = suggest(request, pool, limit=pool.size)
    banned = frozenset(s.city_id for s in full.suggestions[:3])
    result = suggest(request, pool, limit=pool.size, excluded={request.id: banned})
    assert banned.isdisjoint(s.city_id for s in result.suggestions)
    assert [s.city_id for s in result.suggestions] == [
        s.city_id for s in full.suggestions if s.city_id not in banned
    ]
    assert result.n_eligible == full.n_eligible - 3
    # Exclusions of other requests do not apply.
    assert suggest(request, pool, limit=pool.size, excluded={"other": banned}) == full
    with pytest.raises(InvalidValueError) as error:
        suggest(request, pool, excluded={request.id: "alba"})
    assert error.value.code == "not_a_collection"
