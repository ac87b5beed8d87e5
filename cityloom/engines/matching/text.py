"""Language-agnostic tokenising and TF-IDF, on NumPy and scipy.sparse only.

No stop-word lists (they are per language): terms found in more than `max_df` of the
documents are dropped instead (in a corpus of at least 10 documents), which removes
"the", "de", "und" alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

# Combining marks left by NFKD (accents, cedillas, Greek tonos...): dropped so that
# "Mobilität" and "mobilitat", "éducation" and "education" meet.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that NFKD does not decompose but that writers replace by plain Latin ones.
_FOLD_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe"})
# A token is a run of letters or digits in any script (underscore excluded).
_TOKEN = re.compile(r"[^\W_]+")
_MIN_DOCUMENTS_FOR_MAX_DF = 10


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text` (casefold, so "Straße" becomes "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", decomposed).casefold().translate(_FOLD_EXTRA)


def tokenize(text: str, *, min_length: int = 2) -> list[str]:
    """Folded tokens of `text`, in order; tokens shorter than `min_length` are dropped."""
    return [token for token in _TOKEN.findall(fold(text)) if len(token) >= min_length]


class TfidfVectorizer:
    """TF-IDF with sublinear term frequency, smoothed IDF and L2-normalised rows.

    `fit(documents)` learns `vocabulary_` (term -> column, terms in sorted order so that the
    columns do not depend on the order of the documents), `terms_` and `idf_` (n_terms,).
    `transform(documents)` returns a CSR matrix (n_documents, n_terms); a document with no
    known term is a zero row, so its cosine similarity with anything is 0.
    """

    def __init__(self, *, min_length: int = 2, max_df: float = 0.5, min_df: int = 1) -> None:
        self.min_length = min_length
        self.max_df = max_df
        self.min_df = min_df

    def fit(self, documents: Sequence[str]) -> Self:
        n_documents = len(documents)
        document_frequency: dict[str, int] = {}
        for document in documents:
            for term in set(tokenize(document, min_length=self.min_length)):
                document_frequency[term] = document_frequency.get(term, 0) + 1
        # In a corpus under _MIN_DOCUMENTS_FOR_MAX_DF documents, frequencies say nothing about
        # a term being a function word: keep every term.
        max_count = (
            self.max_df * n_documents if n_documents >= _MIN_DOCUMENTS_FOR_MAX_DF else np.inf
        )
        kept = sorted(
            term for term, count in document_frequency.items() if self.min_df <= count <= max_count
        )
        self.terms_ = np.array(kept, dtype=object)
        self.vocabulary_ = {term: column for column, term in enumerate(kept)}
        df = np.array([document_frequency[term] for term in kept], dtype=np.float64)
        # Smoothed IDF: as if one extra document held every term, so no term gets weight 0.
        self.idf_ = np.log((1.0 + n_documents) / (1.0 + df)) + 1.0
        return self

    def transform(self, documents: Iterable[str]) -> sp.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        counts: list[float] = []
        for document in documents:
            row: dict[int, int] = {}
            for term in tokenize(document, min_length=self.min_length):
                column = self.vocabulary_.get(term)
                if column is not None:
                    row[column] = row.get(column, 0) + 1
            # Sorted columns: the sparse dot products then add terms in a fixed order.
            for column in sorted(row):
                indices.append(column)
                counts.append(row[column])
            indptr.append(len(indices))
        n_terms = len(self.vocabulary_)
        idx = np.asarray(indices, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf_[idx]
        matrix = sp.csr_matrix(
            (values, idx, np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, n_terms)
        )
        return l2_normalise_rows(matrix)

    def fit_transform(self, documents: Sequence[str]) -> sp.csr_matrix:
        return self.fit(documents).transform(documents)


def l2_normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows of `matrix` (n, m) scaled to unit Euclidean norm; zero rows stay zero."""
    squared = matrix.multiply(matrix).sum(axis=1)
    norms = np.sqrt(np.asarray(squared, dtype=np.float64).ravel())
    scale: npt.NDArray[np.float64] = np.divide(
        1.0, norms, out=np.zeros_like(norms), where=norms > 0
    )
    return sp.csr_matrix(sp.diags(scale) @ matrix)
