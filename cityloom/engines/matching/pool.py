"""Candidates and requests as arrays, so that scoring is a few vector operations.

Candidates are stored sorted by city id: the result never depends on the order in which the
app lists them, and ties are broken by city id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .errors import DuplicateIdError
from .model import AXES, AXIS_INDEX, Candidate, Request
from .text import TfidfVectorizer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class CandidatePool:
    """All candidate mentor cities as arrays; n = number of candidates, rows in city-id order.

    scores         (n, 6)  axis scores 0-100, NaN where the city has no score
    ranks          (n, 6)  rank on the axis, 0 where the city is not ranked
    n_ranked       (n,)    cities ranked in the edition
    language_matrix(n, L)  True where the city works in `languages[l]`
    region_codes   (n,)    index into `regions`, -1 where unknown
    log_population (n,)    log10 of the population, NaN where unknown
    capacity       (n,)    maximum concurrent programmes
    remaining      (n,)    capacity minus active programmes, floored at 0
    capacity_share (n,)    remaining / capacity, 0 where the capacity is 0
    n_practices    (n,)    number of practice texts of each city
    practices_t    (T, P)  TF-IDF of the practice texts, transposed (T terms, P columns). Cities
                           are grouped by their number k of columns (a city without practices
                           owns one zero column); a group of c cities occupies k * c columns,
                           layer by layer: the practice i of the group's city number g is
                           column first + i * c + g. The best practice of every city of a group
                           is then an element-wise maximum of k contiguous (b, c) slices.
    practice_groups        (k, first column, first position, c) for each group
    practice_position (n,) position of city j in group order (groups one after the other)
    practice_column0  (n,) column of the first practice of city j
    practice_stride   (n,) columns between two practices of city j (its group's c)
    """

    city_ids: tuple[str, ...]
    index: Mapping[str, int]
    scores: FloatArray
    ranks: IntArray
    n_ranked: IntArray
    languages: tuple[str, ...]
    language_matrix: BoolArray
    regions: tuple[str, ...]
    region_codes: IntArray
    log_population: FloatArray
    capacity: IntArray
    remaining: IntArray
    capacity_share: FloatArray
    n_practices: IntArray
    vectorizer: TfidfVectorizer
    practices_t: sp.csr_matrix
    practice_groups: tuple[tuple[int, int, int, int], ...]
    practice_position: IntArray
    practice_column0: IntArray
    practice_stride: IntArray

    def practice_columns(self, j: int) -> IntArray:
        """Columns of `practices_t` holding the practices of city j, in their order."""
        return self.practice_column0[j] + self.practice_stride[j] * np.arange(self.n_practices[j])

    @property
    def size(self) -> int:
        return len(self.city_ids)


def build_pool(candidates: Sequence[Candidate]) -> CandidatePool:
    """Vectorise `candidates` (any order) and fit the TF-IDF on their practice texts."""
    ordered = sorted(candidates, key=lambda c: c.city_id)
    for previous, current in pairwise(ordered):
        if previous.city_id == current.city_id:
            raise DuplicateIdError(kind="city", id=current.city_id)
    n = len(ordered)
    scores = np.full((n, len(AXES)), np.nan)
    ranks = np.zeros((n, len(AXES)), dtype=np.int64)
    for row, candidate in enumerate(ordered):
        for axis, score in candidate.axis_scores.items():
            scores[row, AXIS_INDEX[axis]] = score
        for axis, rank in candidate.axis_ranks.items():
            ranks[row, AXIS_INDEX[axis]] = rank
    languages = tuple(sorted({code for c in ordered for code in c.languages}))
    language_index = {code: i for i, code in enumerate(languages)}
    language_matrix = np.zeros((n, len(languages)), dtype=bool)
    for row, candidate in enumerate(ordered):
        language_matrix[row, [language_index[code] for code in candidate.languages]] = True
    regions = tuple(sorted({c.region for c in ordered if c.region is not None}))
    region_index = {region: i for i, region in enumerate(regions)}
    texts = [text for c in ordered for text in c.practice_texts]
    vectorizer = TfidfVectorizer().fit(texts)
    # Cities grouped by their number of columns (stable: city-id order inside a group).
    width = np.array([max(len(c.practice_texts), 1) for c in ordered], dtype=np.int64)
    group_order = np.argsort(width, kind="stable")
    practice_position = np.empty(n, dtype=np.int64)
    practice_position[group_order] = np.arange(n)
    practice_column0 = np.zeros(n, dtype=np.int64)
    practice_stride = np.ones(n, dtype=np.int64)
    columns: list[str] = []
    groups = []
    for k in np.unique(width):
        members = group_order[width[group_order] == k]
        first = len(columns)
        groups.append((int(k), first, int(practice_position[members[0]]), members.size))
        practice_column0[members] = first + np.arange(members.size)
        practice_stride[members] = members.size
        for layer in range(k):
            # The empty string is the zero column of a city without practices: no token.
            columns.extend(
                ordered[j].practice_texts[layer] if ordered[j].practice_texts else ""
                for j in members
            )
    capacity = np.array([c.capacity for c in ordered], dtype=np.int64)
    remaining = np.array([c.remaining_capacity for c in ordered], dtype=np.int64)
    return CandidatePool(
        city_ids=tuple(c.city_id for c in ordered),
        index={c.city_id: row for row, c in enumerate(ordered)},
        scores=scores,
        ranks=ranks,
        n_ranked=np.array([c.n_ranked for c in ordered], dtype=np.int64),
        languages=languages,
        language_matrix=language_matrix,
        regions=regions,
        region_codes=np.array(
            [region_index.get(c.region, -1) if c.region else -1 for c in ordered], dtype=np.int64
        ),
        log_population=_log_population([c.population for c in ordered]),
        capacity=capacity,
        remaining=remaining,
        capacity_share=np.divide(remaining, capacity, out=np.zeros(n), where=capacity > 0),
        n_practices=np.array([len(c.practice_texts) for c in ordered], dtype=np.int64),
        vectorizer=vectorizer,
        practices_t=sp.csr_matrix(vectorizer.transform(columns).T),
        practice_groups=tuple(groups),
        practice_position=practice_position,
        practice_column0=practice_column0,
        practice_stride=practice_stride,
    )


def _log_population(populations: Sequence[float | None]) -> FloatArray:
    return np.array([math.log10(p) if p is not None else np.nan for p in populations])


@dataclass(frozen=True, eq=False)
class RequestFeatures:
    """A block of b requests encoded against one pool.

    axis_weights   (b, 6)  1/len(axes) on each requested axis, else 0
    need           (b, T)  TF-IDF of the need text in the pool's vocabulary
    language_matrix(b, L)  True where the request accepts the pool's language l
    region_codes   (b,)    index into the pool's regions, -1 if unknown or no candidate shares it
    log_population (b,)    log10 of the population, NaN where unknown
    self_index     (b,)    row of the requesting city in the pool, -1 if it is no candidate
    """

    axis_weights: FloatArray
    need: sp.csr_matrix
    language_matrix: BoolArray
    region_codes: IntArray
    log_population: FloatArray
    self_index: IntArray

    def take(self, rows: IntArray | slice) -> RequestFeatures:
        """The features of the requests at `rows`, in that order."""
        return RequestFeatures(
            axis_weights=self.axis_weights[rows],
            need=self.need[rows],
            language_matrix=self.language_matrix[rows],
            region_codes=self.region_codes[rows],
            log_population=self.log_population[rows],
            self_index=self.self_index[rows],
        )


def encode_requests(requests: Sequence[Request], pool: CandidatePool) -> RequestFeatures:
    """Encode `requests` in the pool's vocabularies (terms, languages, regions)."""
    b = len(requests)
    axis_weights = np.zeros((b, len(AXES)))
    language_matrix = np.zeros((b, len(pool.languages)), dtype=bool)
    language_index = {code: i for i, code in enumerate(pool.languages)}
    region_index = {region: i for i, region in enumerate(pool.regions)}
    for row, request in enumerate(requests):
        if request.axes:
            axis_weights[row, [AXIS_INDEX[axis] for axis in request.axes]] = 1.0 / len(request.axes)
        columns = [language_index[code] for code in request.languages if code in language_index]
        language_matrix[row, columns] = True
    return RequestFeatures(
        axis_weights=axis_weights,
        need=pool.vectorizer.transform(request.need_text for request in requests),
        language_matrix=language_matrix,
        region_codes=np.array(
            [region_index.get(r.region, -1) if r.region else -1 for r in requests], dtype=np.int64
        ),
        log_population=_log_population([r.population for r in requests]),
        self_index=np.array([pool.index.get(r.city_id, -1) for r in requests], dtype=np.int64),
    )
