"""The search contract, on whichever engine the suite runs (SQLite FTS5 or PostgreSQL)."""

import datetime as dt

import pytest

from cityloom.core.axes import Axis
from cityloom.core.stemming import query_stems, stems
from cityloom.practices import search
from cityloom.practices.models import Practice, PracticeSdg, PracticeTranslation
from cityloom.practices.search import SearchParams
from tests.factories import CityFactory
from tests.practices.factories import PracticeFactory


def titles(params: SearchParams) -> list[str]:
    return [p.title for p in search.search(params).practices]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mobilité", "mobilite"),
        ("mobilité", "mobilités"),
        ("mobilité", "mobility"),
        ("participación", "participation"),
        ("électronique", "electrónica"),
        ("numérique", "numéricas"),
    ],
)
def test_stemmer_gives_word_forms_one_stem(a, b):
    assert stems(a) == stems(b)


def test_query_stems_drop_stop_words_and_duplicates():
    assert query_stems("La mobilité et les mobilités") == ["mobil"]


@pytest.mark.parametrize("query", ["mobilité", "mobilite", "MOBILITÉS", "Mobilités"])
def test_french_word_forms_and_accents(db, query):
    PracticeFactory(title="Plan de mobilité urbaine", language="fr")
    PracticeFactory(title="Budget participatif", language="fr")
    assert titles(SearchParams(q=query)) == ["Plan de mobilité urbaine"]


def test_spanish_practice_found_from_french_words_without_accents(db):
    PracticeFactory(
        title="Participación electrónica de la ciudadanía",
        summary="Una plataforma para que los vecinos propongan y voten proyectos.",
        language="es",
    )
    PracticeFactory(title="Open data portal", language="en")
    assert titles(SearchParams(q="participation electronique")) == [
        "Participación electrónica de la ciudadanía"
    ]


def test_every_word_must_match(db):
    PracticeFactory(title="Digital participation")
    PracticeFactory(title="Digital inclusion")
    assert titles(SearchParams(q="digital participation")) == ["Digital participation"]


def test_translation_is_searched(db):
    practice = PracticeFactory(title="Vélo en libre-service", language="fr")
    PracticeTranslation.objects.create(
        practice=practice, language="en", title="Bike sharing", summary="Bikes."
    )
    search.index_practice(practice)
    assert titles(SearchParams(q="bike")) == ["Vélo en libre-service"]


def test_drafts_are_never_found(db):
    PracticeFactory(title="Secret mobility plan", status=Practice.Status.DRAFT)
    assert titles(SearchParams(q="mobility")) == []


def test_query_of_punctuation_only_finds_nothing_and_does_not_fail(db):
    PracticeFactory(title="Anything")
    assert titles(SearchParams(q='"*) OR (-')) == []
    assert titles(SearchParams(q="NEAR(a b)")) == []


def test_relevance_puts_title_matches_first_and_date_sort_overrides(db):
    older = dt.datetime(2012, 1, 1, tzinfo=dt.UTC)
    newer = dt.datetime(2013, 1, 1, tzinfo=dt.UTC)
    PracticeFactory(title="Open data portal", published_at=older)
    PracticeFactory(title="Transparency", summary="Includes some open data.", published_at=newer)
    assert titles(SearchParams(q="open data")) == ["Open data portal", "Transparency"]
    assert titles(SearchParams(q="open data", sort="date")) == ["Transparency", "Open data portal"]


def test_no_query_sorts_by_date(db):
    PracticeFactory(title="Old", published_at=dt.datetime(2010, 1, 1, tzinfo=dt.UTC))
    PracticeFactory(title="New", published_at=dt.datetime(2013, 1, 1, tzinfo=dt.UTC))
    assert titles(SearchParams()) == ["New", "Old"]


@pytest.fixture
def catalogue(db):
    small = CityFactory(name="Pau", population=77_000)
    big = CityFactory(
        name="Mexico City",
        country_code="MX",
        country_name="Mexico",
        region="latin_america",
        population=12_294_193,
    )
    a = PracticeFactory(title="Smart parking", city=small, axis=Axis.MOBILITY, language="fr")
    b = PracticeFactory(title="Metro data", city=big, axis=Axis.MOBILITY, language="es")
    c = PracticeFactory(
        title="Open budget", city=big, axis=Axis.GOVERNANCE, language="es", is_labelled=True
    )
    PracticeSdg.objects.create(practice=a, goal=11)
    PracticeSdg.objects.create(practice=b, goal=11)
    PracticeSdg.objects.create(practice=c, goal=16)
    return a, b, c


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (SearchParams(axis="mobility"), {"Smart parking", "Metro data"}),
        (SearchParams(country="MX"), {"Metro data", "Open budget"}),
        (SearchParams(region="europe"), {"Smart parking"}),
        (SearchParams(size="small"), {"Smart parking"}),
        (SearchParams(size="megacity"), {"Metro data", "Open budget"}),
        (SearchParams(sdg=11), {"Smart parking", "Metro data"}),
        (SearchParams(labelled=True), {"Open budget"}),
        (SearchParams(labelled=False), {"Smart parking", "Metro data"}),
        (SearchParams(language="es", axis="mobility"), {"Metro data"}),
    ],
)
def test_filters(catalogue, params, expected):
    assert set(titles(params)) == expected


def test_facet_counts_follow_the_filters(catalogue):
    result = search.search(SearchParams(country="MX"))
    facets = {f.name: {v: n for v, _label, n in f.values} for f in result.facets}
    assert result.total == 2
    assert facets["axis"] == {"mobility": 1, "governance": 1}
    assert facets["country"] == {"MX": 2}
    assert facets["sdg"] == {"11": 1, "16": 1}
    assert facets["labelled"] == {"1": 1, "0": 1}
    assert facets["language"] == {"es": 2}
    assert facets["size"] == {"megacity": 2}
    assert facets["region"] == {"latin_america": 2}


def test_facets_combine_with_text(catalogue):
    result = search.search(SearchParams(q="data"))
    assert result.total == 1
    assert {f.name: [v for v, _l, _n in f.values] for f in result.facets}["axis"] == ["mobility"]


def test_facet_counts_follow_a_publication(member_bordeaux, focal_bordeaux):
    from cityloom.practices import services

    assert search.search(SearchParams()).total == 0
    practice = services.draft_practice(
        member_bordeaux.city, by=member_bordeaux, title="Tram", summary="s", axis="mobility",
        problem="p", solution="s", language="fr",
    )  # fmt: skip
    assert search.search(SearchParams()).total == 0
    services.publish_practice(practice, by=focal_bordeaux)
    result = search.search(SearchParams())
    assert result.total == 1
    assert [v for v, _l, _n in result.facets[0].values] == ["mobility"]
