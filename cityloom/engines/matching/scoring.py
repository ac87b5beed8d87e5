"""Criterion values and suitability of every (request, candidate) pair in a block.

Every criterion value lies in [0, 1]:

strength   mean over the requested axes of score / 100 (a missing score counts 0: no evidence
           of strength is no strength to offer); 0 for a request with no axis
practices  highest cosine similarity between the need text and one of the city's practices
language   1 if the request and the city share a working language, else 0
context    (same region) / 2 + (population similarity) / 2, the population similarity being
           1 - |log10(p_candidate) - log10(p_request)| / POPULATION_DECADES, floored at 0 (a
           city ten times larger scores 0.5); an unknown region or population adds 0
capacity   remaining / capacity: a city with free slots has time to spare

The suitability is the weighted mean of the five values, so it also lies in [0, 1].

Every value is computed element by element in a fixed order (no BLAS product of floats):
a pair then scores exactly the same whether it is computed alone (suggest) or within a
block (assign), since BLAS kernels may round differently depending on the block's shape.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from .errors import InvalidValueError
from .model import Weights
from .pool import BoolArray, CandidatePool, FloatArray, IntArray, RequestFeatures

# Request id -> city ids that request must not be matched with.
Excluded = Mapping[str, Collection[str]]

POPULATION_DECADES = 2.0


def criterion_values(features: RequestFeatures, pool: CandidatePool) -> FloatArray:
    """Values (5, b, n) of the criteria, in `CRITERIA` order, for b requests and n candidates."""
    b, n = features.self_index.shape[0], pool.size
    values = np.empty((5, b, n))
    for value, compute in zip(values, _CRITERION_FUNCTIONS, strict=True):
        compute(features, pool, out=value)
    return values


def suitability(features: RequestFeatures, pool: CandidatePool, weights: Weights) -> FloatArray:
    """Weighted mean (b, n) of the criterion values; equal, bit for bit, to
    `weighted_total(criterion_values(...))` but with one (b, n) buffer instead of five."""
    b, n = features.self_index.shape[0], pool.size
    total = np.zeros((b, n))
    value = np.empty((b, n))
    for w, compute in zip(weights.normalised(), _CRITERION_FUNCTIONS, strict=True):
        compute(features, pool, out=value)
        value *= w
        total += value
    return total


def weighted_total(values: FloatArray, weights: Weights) -> FloatArray:
    """Suitability (b, n): the weighted mean of the criterion values (5, b, n)."""
    total = np.zeros(values.shape[1:])
    for w, value in zip(weights.normalised(), values, strict=True):
        total += value * w
    return total


def strength_values(features: RequestFeatures, pool: CandidatePool, *, out: FloatArray) -> None:
    """Mean score / 100 (b, n) over each request's axes, written into `out`."""
    strength = np.nan_to_num(pool.scores / 100.0, nan=0.0)  # (n, 6)
    # At most 2**6 distinct axis sets: score each set once, then gather rows.
    axis_sets, inverse = np.unique(features.axis_weights, axis=0, return_inverse=True)
    table = np.zeros((axis_sets.shape[0], pool.size))
    for row, weights in enumerate(axis_sets):
        for axis in np.flatnonzero(weights):
            table[row] += weights[axis] * strength[:, axis]
    np.take(table, inverse.ravel(), axis=0, out=out)


def language_values(features: RequestFeatures, pool: CandidatePool, *, out: FloatArray) -> None:
    """1.0 (b, n) where the request and the city share a language, written into `out`."""
    # Few distinct language sets among requests: compare each set once, then gather rows.
    language_sets, inverse = np.unique(features.language_matrix, axis=0, return_inverse=True)
    table = np.zeros((language_sets.shape[0], pool.size))
    for row, accepted in enumerate(language_sets):
        table[row] = np.any(pool.language_matrix[:, accepted], axis=1)
    np.take(table, inverse.ravel(), axis=0, out=out)


def context_values(features: RequestFeatures, pool: CandidatePool, *, out: FloatArray) -> None:
    """Region and population similarity (b, n), written into `out`."""
    # An unknown candidate population becomes +inf: |difference| is then inf and the
    # similarity floors at 0, without a NaN pass over the whole block.
    candidate = np.where(np.isnan(pool.log_population), np.inf, pool.log_population)
    np.subtract.outer(features.log_population, candidate, out=out)
    np.abs(out, out=out)
    out *= -1.0 / POPULATION_DECADES
    out += 1.0
    np.maximum(out, 0.0, out=out)
    out[np.isnan(features.log_population)] = 0.0
    out *= 0.5
    same_region = np.equal.outer(features.region_codes, pool.region_codes)
    same_region &= (features.region_codes >= 0)[:, None]
    np.add(out, 0.5, out=out, where=same_region)


def practice_values(features: RequestFeatures, pool: CandidatePool, *, out: FloatArray) -> None:
    """Best cosine similarity (b, n) between each need and each city's practices, into `out`."""
    b, n = features.need.shape[0], pool.size
    if features.need.nnz == 0 or pool.practices_t.nnz == 0:
        out[...] = 0.0
        return
    similarity = (features.need @ pool.practices_t).toarray()  # (b, P)
    grouped = np.empty((b, n))  # columns in group order
    for k, first, position, count in pool.practice_groups:
        best = grouped[:, position : position + count]
        np.copyto(best, similarity[:, first : first + count])
        for layer in range(1, k):
            start = first + layer * count
            np.maximum(best, similarity[:, start : start + count], out=best)
    np.take(grouped, pool.practice_position, axis=1, out=out)
    # Rounding can push the cosine of identical texts a hair above 1.
    np.minimum(out, 1.0, out=out)


def capacity_values(features: RequestFeatures, pool: CandidatePool, *, out: FloatArray) -> None:
    """Share of free slots (b, n) of each city, the same for every request, into `out`."""
    out[...] = pool.capacity_share[None, :]


_CRITERION_FUNCTIONS = (
    strength_values,
    practice_values,
    language_values,
    context_values,
    capacity_values,
)


def eligible_pairs(features: RequestFeatures, pool: CandidatePool) -> BoolArray:
    """Pairs (b, n) that may be matched: the city has a free slot and is not the requester."""
    b = features.self_index.shape[0]
    eligible = np.broadcast_to(pool.remaining > 0, (b, pool.size)).copy()
    rows = np.flatnonzero(features.self_index >= 0)
    eligible[rows, features.self_index[rows]] = False
    return eligible


def excluded_indices(pool: CandidatePool, excluded: Excluded | None, request_id: str) -> IntArray:
    """Pool rows of the cities `excluded` forbids for `request_id` (sorted, unique).

    A request id absent from `excluded` has no exclusion; a city id outside the pool is
    ignored (it cannot be matched anyway).
    """
    cities = (excluded or {}).get(request_id, ())
    if isinstance(cities, str):
        # A bare string would silently exclude its characters.
        raise InvalidValueError(
            field=f"excluded.{request_id}", value=cities, code="not_a_collection"
        )
    rows = [pool.index[city] for city in cities if city in pool.index]
    return np.unique(np.array(rows, dtype=np.int64))
