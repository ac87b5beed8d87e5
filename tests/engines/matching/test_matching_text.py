"""Tokenising and TF-IDF of the matching engine."""

from __future__ import annotations

import numpy as np
import pytest

from cityloom.engines.matching.text import TfidfVectorizer, fold, tokenize


def test_fold_removes_accents_and_case_in_any_latin_language() -> None:
    assert fold("Mobilität STRASSE Straße Łódź Ærø Éducation") == (
        "mobilitat strasse strasse lodz aero education"
    )


def test_tokenize_splits_on_punctuation_and_underscore_and_drops_short_tokens() -> None:
    assert tokenize("Ça-va, São_Paulo 5G x à") == ["ca", "va", "sao", "paulo", "5g"]


def test_tokenize_keeps_non_latin_scripts() -> None:
    assert tokenize("Κινητικότητα και πόλη") == ["κινητικοτητα", "και", "πολη"]


def test_vocabulary_is_sorted_whatever_the_document_order() -> None:
    documents = ["zebra crossing", "bike lanes", "crossing lanes"]
    forward = TfidfVectorizer().fit(documents)
    backward = TfidfVectorizer().fit(documents[::-1])
    assert list(forward.terms_) == ["bike", "crossing", "lanes", "zebra"]
    assert forward.vocabulary_ == backward.vocabulary_
    np.testing.assert_array_equal(forward.idf_, backward.idf_)


def test_idf_is_smoothed_and_rows_are_unit_vectors() -> None:
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform(["bike bike lanes", "bike"]).toarray()
    n = 2
    idf_bike = np.log((1 + n) / (1 + 2)) + 1  # in both documents
    idf_lanes = np.log((1 + n) / (1 + 1)) + 1
    np.testing.assert_allclose(vectorizer.idf_, [idf_bike, idf_lanes])
    # Sublinear term frequency: "bike" twice weighs 1 + ln 2.
    raw = np.array([(1 + np.log(2)) * idf_bike, idf_lanes])
    np.testing.assert_allclose(matrix[0], raw / np.linalg.norm(raw))
    np.testing.assert_allclose(matrix[1], [1.0, 0.0])


def test_terms_in_more_than_half_the_documents_are_dropped_in_a_large_corpus() -> None:
    documents = [f"the park{n}" for n in range(12)]
    vectorizer = TfidfVectorizer(max_df=0.5).fit(documents)
    assert "the" not in vectorizer.vocabulary_
    assert "park0" in vectorizer.vocabulary_


def test_small_corpus_keeps_common_terms() -> None:
    vectorizer = TfidfVectorizer(max_df=0.5).fit(["the park", "the lake"])
    assert "the" in vectorizer.vocabulary_


@pytest.mark.parametrize("text", ["", "!!! ?", "unknownword"])
def test_text_without_known_term_is_a_zero_row(text: str) -> None:
    vectorizer = TfidfVectorizer().fit(["bike lanes"])
    row = vectorizer.transform([text])
    assert row.shape == (1, 2)
    assert row.nnz == 0
