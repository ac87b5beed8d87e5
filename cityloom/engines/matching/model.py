"""Plain input data of the matching engine: requests, candidate mentor cities, weights."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import InvalidValueError, UnknownAxisError

# The six axes of the Smart Cities Study, in the order used for every (n, 6) array.
AXES: tuple[str, ...] = ("economy", "governance", "people", "mobility", "environment", "living")
AXIS_INDEX: Mapping[str, int] = {axis: i for i, axis in enumerate(AXES)}


class Criterion(StrEnum):
    """The reasons a mentor is suggested; the codes are stable, the app translates them."""

    STRENGTH = "strength"
    PRACTICES = "practices"
    LANGUAGE = "language"
    CONTEXT = "context"
    CAPACITY = "capacity"


CRITERIA: tuple[Criterion, ...] = tuple(Criterion)


def _check_axis(axis: str) -> None:
    if axis not in AXIS_INDEX:
        raise UnknownAxisError(axis=axis)


def _check_population(population: float | None, *, field: str) -> None:
    if population is not None and not (math.isfinite(population) and population > 0):
        raise InvalidValueError(field=field, value=population, code="not_positive")


def _languages(languages: frozenset[str] | set[str] | tuple[str, ...]) -> frozenset[str]:
    # Language codes are compared case-insensitively: "EN" from one form equals "en" from another.
    return frozenset(code.strip().lower() for code in languages if code.strip())


@dataclass(frozen=True)
class Request:
    """A city's request for a mentor.

    `axes` are the Study axes the city wants help on (may be empty: then only the other
    criteria rank mentors). `need_text` is the need in the city's own words, in any language;
    the app may append the chosen topics' names to it. `population` is in inhabitants.
    The mode (informal or structured) and the time frame do not change the ranking: the app
    filters on them before calling the engine.
    """

    id: str
    city_id: str
    axes: tuple[str, ...]
    need_text: str = ""
    languages: frozenset[str] = frozenset()
    region: str | None = None
    population: float | None = None

    def __post_init__(self) -> None:
        for axis in self.axes:
            _check_axis(axis)
        if len(set(self.axes)) != len(self.axes):
            raise InvalidValueError(field="axes", value=self.axes, code="duplicate")
        _check_population(self.population, field="population")
        object.__setattr__(self, "languages", _languages(self.languages))


@dataclass(frozen=True)
class Candidate:
    """A city that can mentor, with its latest published Study results and its capacity.

    `axis_scores` maps an axis to its score on 0-100 (a missing axis or NaN means no score);
    `axis_ranks` maps an axis to the city's rank among `n_ranked` cities of that edition.
    `capacity` is the maximum of concurrent programmes the city accepts, `active_programmes`
    those running now: the remaining capacity is their difference, floored at zero (a city
    may lower its capacity below its running programmes).
    """

    city_id: str
    axis_scores: Mapping[str, float] = field(default_factory=dict)
    axis_ranks: Mapping[str, int] = field(default_factory=dict)
    n_ranked: int = 0
    practice_texts: tuple[str, ...] = ()
    languages: frozenset[str] = frozenset()
    region: str | None = None
    population: float | None = None
    capacity: int = 0
    active_programmes: int = 0

    def __post_init__(self) -> None:
        for axis, score in self.axis_scores.items():
            _check_axis(axis)
            if not math.isnan(score) and not 0.0 <= score <= 100.0:
                raise InvalidValueError(
                    field=f"axis_scores.{axis}", value=score, code="out_of_range"
                )
        for axis, rank in self.axis_ranks.items():
            _check_axis(axis)
            if rank < 1 or (self.n_ranked and rank > self.n_ranked):
                raise InvalidValueError(field=f"axis_ranks.{axis}", value=rank, code="out_of_range")
        if self.n_ranked < 0:
            raise InvalidValueError(field="n_ranked", value=self.n_ranked, code="negative")
        if self.capacity < 0:
            raise InvalidValueError(field="capacity", value=self.capacity, code="negative")
        if self.active_programmes < 0:
            raise InvalidValueError(
                field="active_programmes", value=self.active_programmes, code="negative"
            )
        _check_population(self.population, field="population")
        object.__setattr__(self, "practice_texts", tuple(self.practice_texts))
        object.__setattr__(self, "languages", _languages(self.languages))

    @property
    def remaining_capacity(self) -> int:
        return max(self.capacity - self.active_programmes, 0)


@dataclass(frozen=True)
class Weights:
    """Relative weight of each criterion; only the ratios matter (they are normalised to sum 1)."""

    strength: float = 0.35
    practices: float = 0.30
    language: float = 0.15
    context: float = 0.10
    capacity: float = 0.10

    def __post_init__(self) -> None:
        for criterion in CRITERIA:
            value = getattr(self, criterion.value)
            if not math.isfinite(value):
                raise InvalidValueError(
                    field=f"weights.{criterion.value}", value=value, code="not_finite"
                )
            if value < 0:
                raise InvalidValueError(
                    field=f"weights.{criterion.value}", value=value, code="negative"
                )
        if sum(getattr(self, c.value) for c in CRITERIA) <= 0:
            raise InvalidValueError(field="weights", value=0.0, code="all_zero")

    def normalised(self) -> tuple[float, ...]:
        """Weights in `CRITERIA` order, summing to 1."""
        raw = [float(getattr(self, c.value)) for c in CRITERIA]
        total = sum(raw)
        return tuple(w / total for w in raw)
