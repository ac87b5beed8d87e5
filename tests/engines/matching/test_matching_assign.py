"""Global assignment: optimality against brute force and an independent solver, capacity,
invariance, and the comparison with one-by-one matching."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from cityloom.engines.matching import (
    Candidate,
    DuplicateIdError,
    InvalidValueError,
    Request,
    Weights,
    assign,
    build_pool,
)
from cityloom.engines.matching.assignment import score_block
from cityloom.engines.matching.pool import encode_requests
from cityloom.engines.matching.synthetic import (
    TextGenerator,
    synthetic_candidates,
    synthetic_requests,
)

STRENGTH_ONLY = Weights(strength=1.0, practices=0.0, language=0.0, context=0.0, capacity=0.0)


def random_case(rng: np.random.Generator, m: int, n: int, *, n_themes: int = 3):
    texts = TextGenerator(rng, vocabulary_size=150, n_themes=n_themes, theme_size=12)
    candidates = synthetic_candidates(n, rng=rng, texts=texts)
    city_ids = [c.city_id for c in candidates] + ["outsider"]
    requests = synthetic_requests(m, city_ids, rng=rng, texts=texts)
    return candidates, requests


def scores(requests, pool, weights=None, min_suitability=0.0):
    """The full (m, n) score matrix in the order of `requests`, -inf where not eligible."""
    return score_block(encode_requests(requests, pool), pool, weights or Weights(), min_suitability)


def brute_force(matrix: np.ndarray, remaining: np.ndarray) -> float:
    """Best total over every way to give each request one city or none."""
    m, n = matrix.shape
    best = 0.0
    for choice in itertools.product(range(-1, n), repeat=m):
        picked = [j for j in choice if j >= 0]
        if np.any(np.bincount(picked, minlength=n) > remaining):
            continue
        values = [matrix[i, j] for i, j in enumerate(choice) if j >= 0]
        if all(np.isfinite(values)):
            best = max(best, sum(values))
    return best


def check_feasible(result, requests, candidates, matrix, pool) -> None:
    """Capacity, self-exclusion, eligibility and reported suitabilities of an assignment."""
    load: dict[str, int] = {}
    for match, request in zip(result.matches, requests, strict=True):
        assert match.request_id == request.id
        for city, value in (
            (match.city_id, match.suitability),
            (match.greedy_city_id, match.greedy_suitability),
        ):
            if city is None:
                assert value is None
                continue
            assert city != request.city_id
            assert value == matrix[requests.index(request), pool.index[city]]
        if match.city_id is not None:
            load[match.city_id] = load.get(match.city_id, 0) + 1
    remaining = {c.city_id: c.remaining_capacity for c in candidates}
    assert all(load[city] <= remaining[city] for city in load)
    greedy_load: dict[str, int] = {}
    for match in result.matches:
        if match.greedy_city_id is not None:
            greedy_load[match.greedy_city_id] = greedy_load.get(match.greedy_city_id, 0) + 1
    assert all(greedy_load[city] <= remaining[city] for city in greedy_load)


def greedy_reference(matrix: np.ndarray, remaining: np.ndarray) -> float:
    """One-by-one matching written plainly: each request in turn takes its best free city."""
    free = remaining.copy()
    total = 0.0
    for row in matrix:
        options = [j for j in range(row.size) if np.isfinite(row[j]) and free[j] > 0]
        if options:
            j = max(options, key=lambda j: (row[j], -j))
            free[j] -= 1
            total += row[j]
    return total


@pytest.mark.parametrize("seed", range(120))
def test_assignment_is_optimal_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    candidates, requests = random_case(rng, int(rng.integers(1, 6)), int(rng.integers(1, 5)))
    pool = build_pool(candidates)
    # Short lists and a tiny start force the pricing rounds and the full re-scoring path.
    top_k = int(rng.integers(1, 3))
    list_length = int(rng.choice([1, 2, 64]))
    result = assign(requests, pool, top_k=top_k, list_length=list_length)
    matrix = scores(requests, pool)
    optimum = brute_force(matrix, pool.remaining)
    assert result.total == pytest.approx(optimum, abs=1e-9)
    assert result.upper_bound == pytest.approx(optimum, abs=1e-9)
    assert result.greedy_total == pytest.approx(greedy_reference(matrix, pool.remaining), abs=1e-12)
    assert result.greedy_total <= result.total + 1e-12
    check_feasible(result, requests, candidates, matrix, pool)


def expanded_optimum(matrix: np.ndarray, remaining: np.ndarray) -> float:
    """Independent solver: the Hungarian method on cities expanded into one column per slot,
    plus one zero-valued "unassigned" column per request."""
    m = matrix.shape[0]
    slots = np.repeat(np.arange(matrix.shape[1]), remaining)
    profit = np.where(np.isfinite(matrix[:, slots]), matrix[:, slots], -1e6)
    profit = np.hstack([profit, np.zeros((m, m))])
    rows, columns = linear_sum_assignment(profit, maximize=True)
    return float(profit[rows, columns].sum())


@pytest.mark.parametrize(("seed", "m", "n"), [(1, 60, 40), (2, 80, 25), (3, 40, 120)])
def test_assignment_matches_the_hungarian_method_on_medium_cases(seed: int, m: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    candidates, requests = random_case(rng, m, n, n_themes=4)
    pool = build_pool(candidates)
    result = assign(requests, pool, top_k=2, list_length=4, min_suitability=0.2)
    matrix = scores(requests, pool, min_suitability=0.2)
    optimum = expanded_optimum(matrix, pool.remaining)
    assert result.total == pytest.approx(optimum, abs=1e-9)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    check_feasible(result, requests, candidates, matrix, pool)
    assigned = [match.suitability for match in result.matches if match.suitability is not None]
    assert min(assigned) >= 0.2


def test_column_generation_finds_pairs_beyond_each_request_top_k() -> None:
    # Every request ranks "alba" first; with one pair each the first matching can place one
    # request only, the optimum places all three.
    candidates = [
        Candidate(city_id="alba", axis_scores={"living": 90.0}, capacity=1),
        Candidate(city_id="bari", axis_scores={"living": 60.0}, capacity=1),
        Candidate(city_id="como", axis_scores={"living": 30.0}, capacity=1),
    ]
    requests = [Request(id=f"r{i}", city_id="x", axes=("living",)) for i in range(3)]
    result = assign(requests, build_pool(candidates), STRENGTH_ONLY, top_k=1, list_length=1)
    assert sorted(match.city_id for match in result.matches) == ["alba", "bari", "como"]
    assert result.total == pytest.approx(90 / 100 + 60 / 100 + 30 / 100)
    assert result.n_rounds > 1


def test_optimum_differs_from_one_by_one_matching_and_reports_the_change() -> None:
    candidates = [
        Candidate(city_id="aarhus", axis_scores={"mobility": 90.0, "economy": 80.0}, capacity=1),
        Candidate(city_id="bergen", axis_scores={"mobility": 85.0, "economy": 10.0}, capacity=1),
    ]
    requests = [
        Request(id="first", city_id="x", axes=("mobility",)),
        Request(id="second", city_id="y", axes=("economy",)),
    ]
    result = assign(requests, build_pool(candidates), STRENGTH_ONLY)
    assert [(m.request_id, m.greedy_city_id, m.city_id) for m in result.matches] == [
        ("first", "aarhus", "bergen"),
        ("second", "bergen", "aarhus"),
    ]
    assert result.greedy_total == pytest.approx(90 / 100 + 10 / 100)
    assert result.total == pytest.approx(85 / 100 + 80 / 100)
    assert [m.request_id for m in result.changes] == ["first", "second"]
    # One-by-one follows the order given: listed the other way round, greedy is optimal.
    reversed_result = assign(requests[::-1], build_pool(candidates), STRENGTH_ONLY)
    assert reversed_result.greedy_total == pytest.approx(result.total)
    assert reversed_result.changes == ()


def test_no_eligible_pair_gives_an_empty_assignment() -> None:
    candidates = [Candidate(city_id="full", capacity=1, active_programmes=1)]
    result = assign([Request(id="r", city_id="x", axes=())], build_pool(candidates))
    assert result.matches[0].city_id is None
    assert (result.total, result.greedy_total, result.upper_bound) == (0.0, 0.0, 0.0)


def test_invalid_arguments_raise_typed_errors() -> None:
    pool = build_pool([Candidate(city_id="a", capacity=1)])
    request = Request(id="r", city_id="x", axes=())
    with pytest.raises(DuplicateIdError) as error:
        assign([request, request], pool)
    assert (error.value.kind, error.value.id) == ("request", "r")
    with pytest.raises(InvalidValueError) as error:
        assign([request], pool, top_k=0)
    assert error.value.field == "top_k"


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_assignment_ignores_input_order_and_never_exceeds_capacity(seed: int, data) -> None:
    rng = np.random.default_rng(seed)
    candidates, requests = random_case(rng, int(rng.integers(1, 12)), int(rng.integers(1, 8)))
    shuffled_candidates = data.draw(st.permutations(candidates))
    shuffled_requests = data.draw(st.permutations(requests))
    pool = build_pool(candidates)
    result = assign(requests, pool, top_k=1, list_length=2)
    other = assign(shuffled_requests, build_pool(shuffled_candidates), top_k=1, list_length=2)
    optimal = {m.request_id: (m.city_id, m.suitability) for m in result.matches}
    assert {m.request_id: (m.city_id, m.suitability) for m in other.matches} == optimal
    assert other.total == pytest.approx(result.total, abs=1e-12)
    check_feasible(result, requests, candidates, scores(requests, pool), pool)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
