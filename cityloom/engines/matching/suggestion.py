"""Ranked mentor suggestions for one request, each with its per-criterion reasons.

A candidate with no remaining capacity is excluded from the ranking (it cannot take a
programme now); `Suggestions.n_unavailable` counts them so the app can say so. The
requesting city is never suggested to itself, nor a city `excluded` for the request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import AXES, AXIS_INDEX, CRITERIA, Criterion, Request, Weights
from .pool import CandidatePool, FloatArray, IntArray, RequestFeatures, encode_requests
from .scoring import Excluded, criterion_values, eligible_pairs, excluded_indices, weighted_total

MAX_MATCHED_TERMS = 5


@dataclass(frozen=True)
class AxisStrength:
    """The candidate's result on one requested axis: score 0-100 and rank out of `n_ranked`."""

    axis: str
    score: float | None
    rank: int | None
    n_ranked: int


@dataclass(frozen=True)
class StrengthDetail:
    axes: tuple[AxisStrength, ...]


@dataclass(frozen=True)
class PracticeDetail:
    """The best-matching practice (its index in the candidate's `practice_texts`, None if the
    city has none), its cosine similarity and the shared terms that weigh most in it."""

    practice_index: int | None
    similarity: float
    n_practices: int
    matched_terms: tuple[str, ...]


@dataclass(frozen=True)
class LanguageDetail:
    shared: tuple[str, ...]


@dataclass(frozen=True)
class ContextDetail:
    """`population_ratio` is candidate population / request population, None if unknown."""

    same_region: bool
    region: str | None
    population_ratio: float | None


@dataclass(frozen=True)
class CapacityDetail:
    remaining: int
    capacity: int


Detail = StrengthDetail | PracticeDetail | LanguageDetail | ContextDetail | CapacityDetail


@dataclass(frozen=True)
class CriterionScore:
    """One reason: `value` in [0, 1], `weight` normalised, `contribution` = weight * value."""

    criterion: Criterion
    value: float
    weight: float
    contribution: float
    detail: Detail


@dataclass(frozen=True)
class Suggestion:
    city_id: str
    rank: int
    total: float
    criteria: tuple[CriterionScore, ...]


@dataclass(frozen=True)
class Suggestions:
    """Suggestions for one request, best first (ties broken by city id)."""

    request_id: str
    suggestions: tuple[Suggestion, ...]
    n_eligible: int
    n_unavailable: int


def suggest(
    request: Request,
    pool: CandidatePool,
    weights: Weights | None = None,
    *,
    limit: int = 10,
    min_suitability: float = 0.0,
    excluded: Excluded | None = None,
) -> Suggestions:
    """Up to `limit` candidates for `request`, best first, with their per-criterion reasons.

    `excluded` maps request ids to city ids never to suggest for them (e.g. a mentor the city
    already declined); the same mapping can be given to `assign`. Excluded cities are not
    counted in `n_eligible`.
    """
    weights = weights or Weights()
    features = encode_requests([request], pool)
    values = criterion_values(features, pool)[:, 0, :]  # (5, n)
    total = weighted_total(values[:, None, :], weights)[0]
    eligible = eligible_pairs(features, pool)[0] & (total >= min_suitability)
    eligible[excluded_indices(pool, excluded, request.id)] = False
    order = top_indices(total, eligible, limit)
    is_self = np.arange(pool.size) == features.self_index[0]
    suggestions = tuple(
        Suggestion(
            city_id=pool.city_ids[j],
            rank=rank,
            total=float(total[j]),
            criteria=_criteria(request, features, pool, values[:, j], int(j), weights),
        )
        for rank, j in enumerate(order, start=1)
    )
    return Suggestions(
        request_id=request.id,
        suggestions=suggestions,
        n_eligible=int(eligible.sum()),
        n_unavailable=int(((pool.remaining == 0) & ~is_self).sum()),
    )


def top_indices(total: FloatArray, eligible: np.ndarray, limit: int) -> IntArray:
    """Indices of the `limit` best eligible entries of `total` (n,), best first, ties by index.

    Exact under ties: every entry equal to the limit-th best value is kept before sorting, so
    argpartition's arbitrary choice among equals never decides who is shown.
    """
    candidates = np.flatnonzero(eligible)
    if limit <= 0 or candidates.size == 0:
        return np.empty(0, dtype=np.int64)
    scores = total[candidates]
    if candidates.size > limit:
        threshold = np.partition(scores, candidates.size - limit)[candidates.size - limit]
        keep = scores >= threshold
        candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))[:limit]
    return candidates[order].astype(np.int64)


def _criteria(
    request: Request,
    features: RequestFeatures,
    pool: CandidatePool,
    values: FloatArray,
    j: int,
    weights: Weights,
) -> tuple[CriterionScore, ...]:
    details: dict[Criterion, Detail] = {
        Criterion.STRENGTH: _strength_detail(request, pool, j),
        Criterion.PRACTICES: _practice_detail(features, pool, j),
        Criterion.LANGUAGE: LanguageDetail(
            shared=tuple(sorted(request.languages & _languages_of(pool, j)))
        ),
        Criterion.CONTEXT: _context_detail(request, features, pool, j),
        Criterion.CAPACITY: CapacityDetail(
            remaining=int(pool.remaining[j]), capacity=int(pool.capacity[j])
        ),
    }
    return tuple(
        CriterionScore(
            criterion=criterion,
            value=float(value),
            weight=w,
            contribution=float(w * value),
            detail=details[criterion],
        )
        for criterion, value, w in zip(CRITERIA, values, weights.normalised(), strict=True)
    )


def _strength_detail(request: Request, pool: CandidatePool, j: int) -> StrengthDetail:
    axes = []
    for axis in sorted(request.axes, key=AXIS_INDEX.__getitem__):
        k = AXES.index(axis)
        score = pool.scores[j, k]
        rank = int(pool.ranks[j, k])
        axes.append(
            AxisStrength(
                axis=axis,
                score=None if np.isnan(score) else float(score),
                rank=rank or None,
                n_ranked=int(pool.n_ranked[j]),
            )
        )
    return StrengthDetail(axes=tuple(axes))


def _practice_detail(features: RequestFeatures, pool: CandidatePool, j: int) -> PracticeDetail:
    n_practices = int(pool.n_practices[j])
    need = features.need[0]
    if n_practices == 0 or need.nnz == 0:
        return PracticeDetail(
            practice_index=None, similarity=0.0, n_practices=n_practices, matched_terms=()
        )
    own = pool.practices_t[:, pool.practice_columns(j)]  # (T, p)
    similarity = np.asarray((need @ own).todense()).ravel()
    best = int(np.argmax(similarity))  # first of equals: the lower practice index
    if similarity[best] <= 0:
        return PracticeDetail(
            practice_index=None, similarity=0.0, n_practices=n_practices, matched_terms=()
        )
    practice = own[:, best].toarray().ravel()
    terms = need.indices[practice[need.indices] > 0]
    weight = need[0, terms].toarray().ravel() * practice[terms]
    order = np.lexsort((pool.vectorizer.terms_[terms], -weight))[:MAX_MATCHED_TERMS]
    return PracticeDetail(
        practice_index=best,
        similarity=float(min(similarity[best], 1.0)),
        n_practices=n_practices,
        matched_terms=tuple(str(t) for t in pool.vectorizer.terms_[terms[order]]),
    )


def _languages_of(pool: CandidatePool, j: int) -> frozenset[str]:
    return frozenset(pool.languages[k] for k in np.flatnonzero(pool.language_matrix[j]))


def _context_detail(
    request: Request, features: RequestFeatures, pool: CandidatePool, j: int
) -> ContextDetail:
    region_code = int(features.region_codes[0])
    same_region = region_code >= 0 and region_code == int(pool.region_codes[j])
    ratio = 10.0 ** (pool.log_population[j] - features.log_population[0])
    return ContextDetail(
        same_region=bool(same_region),
        region=request.region if same_region else None,
        population_ratio=None if np.isnan(ratio) else float(ratio),
    )
