"""Suggestions for one request: criterion arithmetic, exclusions, ties, invariance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityloom.engines.matching import (
    AXES,
    CRITERIA,
    Candidate,
    CapacityDetail,
    ContextDetail,
    Criterion,
    DuplicateIdError,
    InvalidValueError,
    LanguageDetail,
    PracticeDetail,
    Request,
    StrengthDetail,
    UnknownAxisError,
    Weights,
    build_pool,
    suggest,
)
from cityloom.engines.matching.assignment import score_block
from cityloom.engines.matching.pool import encode_requests

WEIGHTS = Weights(strength=0.4, practices=0.3, language=0.1, context=0.1, capacity=0.1)

ALMADA = Candidate(
    city_id="almada",
    axis_scores={"mobility": 80.0, "economy": 40.0},
    axis_ranks={"mobility": 2, "economy": 7},
    n_ranked=10,
    practice_texts=("Waste sorting at home", "Cycling lanes network"),
    languages=frozenset({"pt", "en"}),
    region="south",
    population=100_000,
    capacity=2,
    active_programmes=1,
)
BREMEN = Candidate(
    city_id="bremen",
    axis_scores={"mobility": 60.0, "economy": math.nan},
    axis_ranks={"mobility": 5},
    n_ranked=10,
    languages=frozenset({"de"}),
    region="north",
    population=1_000_000,
    capacity=1,
)
CORK = Candidate(city_id="cork", axis_scores={"mobility": 100.0}, capacity=1, active_programmes=1)
DENIA = Candidate(city_id="denia", axis_scores={"mobility": 100.0}, capacity=3)
REQUEST = Request(
    id="req-1",
    city_id="denia",
    axes=("mobility", "economy"),
    need_text="Safe cycling lanes",
    languages=frozenset({"EN", "es"}),
    region="south",
    population=100_000,
)


@pytest.fixture(scope="module")
def result():
    return suggest(REQUEST, build_pool([DENIA, CORK, BREMEN, ALMADA]), WEIGHTS)


def _criterion(suggestion, criterion: Criterion):
    return next(c for c in suggestion.criteria if c.criterion == criterion)


def test_self_and_full_cities_are_not_suggested(result) -> None:
    assert [s.city_id for s in result.suggestions] == ["almada", "bremen"]
    assert result.n_eligible == 2
    assert result.n_unavailable == 1  # cork is full; denia is the requester


def test_criterion_values_follow_the_documented_arithmetic(result) -> None:
    almada, bremen = result.suggestions
    values = {c.criterion: c.value for c in almada.criteria}
    # Practices corpus: 2 texts, each term in one of them, so all idf are equal: the need
    # {cycling, lanes} ("safe" is unknown) against {cycling, lanes, network}.
    cosine = 2 / (math.sqrt(2) * math.sqrt(3))
    expected = {
        Criterion.STRENGTH: (80 / 100 + 40 / 100) / 2,
        Criterion.PRACTICES: cosine,
        Criterion.LANGUAGE: 1.0,
        Criterion.CONTEXT: 0.5 * 1 + 0.5 * (1 - 0 / 2),
        Criterion.CAPACITY: (2 - 1) / 2,
    }
    assert values == pytest.approx(expected)
    values = {c.criterion: c.value for c in bremen.criteria}
    expected = {
        Criterion.STRENGTH: (60 / 100 + 0) / 2,  # a missing score counts 0
        Criterion.PRACTICES: 0.0,
        Criterion.LANGUAGE: 0.0,
        Criterion.CONTEXT: 0.5 * 0 + 0.5 * (1 - 1 / 2),  # ten times larger: one decade
        Criterion.CAPACITY: 1 / 1,
    }
    assert values == pytest.approx(expected)


def test_total_is_the_weighted_mean_and_contributions_add_up(result) -> None:
    almada = result.suggestions[0]
    cosine = 2 / (math.sqrt(2) * math.sqrt(3))
    expected = 0.4 * 0.6 + 0.3 * cosine + 0.1 * 1.0 + 0.1 * 1.0 + 0.1 * 0.5
    assert almada.total == pytest.approx(expected)
    assert sum(c.contribution for c in almada.criteria) == pytest.approx(almada.total)
    assert [c.criterion for c in almada.criteria] == list(CRITERIA)
    assert [c.weight for c in almada.criteria] == pytest.approx([0.4, 0.3, 0.1, 0.1, 0.1])


def test_details_are_structured_data_for_the_app_to_translate(result) -> None:
    almada, bremen = result.suggestions
    strength = _criterion(almada, Criterion.STRENGTH).detail
    assert isinstance(strength, StrengthDetail)
    assert [(a.axis, a.score, a.rank, a.n_ranked) for a in strength.axes] == [
        ("economy", 40.0, 7, 10),
        ("mobility", 80.0, 2, 10),
    ]
    practice = _criterion(almada, Criterion.PRACTICES).detail
    assert isinstance(practice, PracticeDetail)
    assert practice.practice_index == 1
    assert practice.n_practices == 2
    assert sorted(practice.matched_terms) == ["cycling", "lanes"]
    assert _criterion(almada, Criterion.LANGUAGE).detail == LanguageDetail(shared=("en",))
    assert _criterion(almada, Criterion.CONTEXT).detail == ContextDetail(
        same_region=True, region="south", population_ratio=pytest.approx(1.0)
    )
    assert _criterion(almada, Criterion.CAPACITY).detail == CapacityDetail(remaining=1, capacity=2)
    bremen_strength = _criterion(bremen, Criterion.STRENGTH).detail
    assert [(a.axis, a.score, a.rank) for a in bremen_strength.axes] == [
        ("economy", None, None),
        ("mobility", 60.0, 5),
    ]
    assert _criterion(bremen, Criterion.PRACTICES).detail == PracticeDetail(
        practice_index=None, similarity=0.0, n_practices=0, matched_terms=()
    )
    assert _criterion(bremen, Criterion.CONTEXT).detail.population_ratio == pytest.approx(10.0)


def test_ties_are_broken_by_city_id_and_limit_is_respected() -> None:
    twins = [Candidate(city_id=name, axis_scores={"people": 50.0}, capacity=1) for name in "zyxw"]
    request = Request(id="r", city_id="elsewhere", axes=("people",))
    result = suggest(request, build_pool(twins), limit=3)
    assert [s.city_id for s in result.suggestions] == ["w", "x", "y"]
    assert [s.rank for s in result.suggestions] == [1, 2, 3]
    assert len({s.total for s in result.suggestions}) == 1


def test_min_suitability_filters_weak_candidates(result) -> None:
    pool = build_pool([DENIA, CORK, BREMEN, ALMADA])
    threshold = (result.suggestions[0].total + result.suggestions[1].total) / 2
    filtered = suggest(REQUEST, pool, WEIGHTS, min_suitability=threshold)
    assert [s.city_id for s in filtered.suggestions] == ["almada"]


def test_request_with_no_axis_and_no_text_is_ranked_on_the_other_criteria() -> None:
    request = Request(id="r", city_id="x", axes=(), languages=frozenset({"de"}))
    result = suggest(
        request,
        build_pool([ALMADA, BREMEN]),
        Weights(language=1.0, strength=0, practices=0, context=0, capacity=0),
    )
    assert [s.city_id for s in result.suggestions] == ["bremen", "almada"]
    assert [s.total for s in result.suggestions] == [1.0, 0.0]


def test_invalid_inputs_raise_typed_errors() -> None:
    with pytest.raises(UnknownAxisError) as error:
        Request(id="r", city_id="x", axes=("happiness",))
    assert error.value.axis == "happiness"
    with pytest.raises(InvalidValueError) as error:
        Candidate(city_id="x", capacity=-1)
    assert (error.value.field, error.value.code) == ("capacity", "negative")
    with pytest.raises(InvalidValueError) as error:
        Candidate(city_id="x", axis_scores={"living": 101.0})
    assert error.value.field == "axis_scores.living"
    with pytest.raises(InvalidValueError) as error:
        Weights(0, 0, 0, 0, 0)
    assert error.value.code == "all_zero"
    with pytest.raises(DuplicateIdError) as error:
        build_pool([ALMADA, ALMADA])
    assert error.value.id == "almada"


def test_remaining_capacity_is_floored_at_zero() -> None:
    assert Candidate(city_id="x", capacity=1, active_programmes=3).remaining_capacity == 0


def test_suggest_scores_equal_assignment_scores_bit_for_bit() -> None:
    pool = build_pool([DENIA, CORK, BREMEN, ALMADA])
    result = suggest(REQUEST, pool, WEIGHTS)
    block = score_block(encode_requests([REQUEST, REQUEST], pool), pool, WEIGHTS, 0.0)
    for s in result.suggestions:
        assert block[1, pool.index[s.city_id]] == s.total


# Property tests ------------------------------------------------------------------------

WORDS = ("bike", "lanes", "waste", "park", "energy", "housing", "école", "straße")


@st.composite
def candidate_lists(draw):
    n = draw(st.integers(1, 8))
    candidates = []
    for j in range(n):
        scores = draw(st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=6, max_size=6))
        capacity = draw(st.integers(0, 3))
        candidates.append(
            Candidate(
                city_id=f"city-{j}",
                axis_scores={a: s for a, s in zip(AXES, scores, strict=True) if s is not None},
                practice_texts=tuple(
                    " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))
                    for _ in range(draw(st.integers(0, 2)))
                ),
                languages=frozenset(draw(st.sets(st.sampled_from(["en", "fr", "de"]), max_size=2))),
                region=draw(st.sampled_from([None, "north", "south"])),
                population=draw(st.one_of(st.none(), st.floats(1e3, 1e7))),
                capacity=capacity,
                active_programmes=draw(st.integers(0, capacity + 1)),
            )
        )
    return candidates


def requests_for(candidates: list[Candidate]):
    return st.builds(
        Request,
        id=st.just("req"),
        city_id=st.sampled_from([c.city_id for c in candidates] + ["outsider"]),
        axes=st.lists(st.sampled_from(AXES), unique=True, max_size=3).map(tuple),
        need_text=st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join),
        languages=st.sets(st.sampled_from(["en", "fr", "es"]), max_size=2).map(frozenset),
        region=st.sampled_from([None, "north", "south"]),
        population=st.one_of(st.none(), st.floats(1e3, 1e7)),
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_suggestions_ignore_the_order_of_candidates_and_never_include_self_or_full(data) -> None:
    candidates = data.draw(candidate_lists())
    request = data.draw(requests_for(candidates))
    shuffled = data.draw(st.permutations(candidates))
    first = suggest(request, build_pool(candidates), limit=20)
    second = suggest(request, build_pool(shuffled), limit=20)
    assert first == second
    full = {c.city_id for c in candidates if c.remaining_capacity == 0}
    suggested = [s.city_id for s in first.suggestions]
    assert request.city_id not in suggested
    assert not full & set(suggested)
    totals = [s.total for s in first.suggestions]
    assert totals == sorted(totals, reverse=True)
    assert all(0.0 <= t <= 1.0 + 1e-12 for t in totals)
    for s in first.suggestions:
        assert all(0.0 <= c.value <= 1.0 for c in s.criteria)
        assert np.isclose(sum(c.contribution for c in s.criteria), s.total)
