"""The Study's open data files: headings in the reader's language, codes kept (issue 12).

CSV: headings, then codes, then the cities. XLSX: headings on "results", the codes and their
meaning on the "columns" data dictionary. JSON and `results.csv?header=codes` keep the codes.
"""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.study.test_study_views import published  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

CODES = [
    "geonames_id",
    "city",
    "country",
    "region",
    "population",
    "score",
    "rank",
    "rank_p05",
    "rank_p95",
    "coverage",
    "score_ECO",
    "score_ECO.1",
]


def _csv(client, published, language, query=""):  # noqa: F811
    response = client.get(f"/{language}/study/editions/{published.pk}/results.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def _xlsx(client, published, language):  # noqa: F811
    response = client.get(f"/{language}/study/editions/{published.pk}/results.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize(
    ("language", "city", "economy", "governance"),
    [
        ("en", "City", "Economy", "Governance"),
        ("fr", "Ville", "Économie intelligente", "Gouvernance intelligente"),
        ("es", "Ciudad", "Economía inteligente", "Gobernanza inteligente"),
    ],
)
def test_csv_headings_are_in_the_readers_language_then_the_codes(
    client,
    published,  # noqa: F811
    language,
    city,
    economy,
    governance,
):
    headings, codes, *rows = _csv(client, published, language)
    assert codes[: len(CODES)] == CODES
    assert len(headings) == len(codes) == len(rows[0])
    assert headings[1] == city
    named = dict(zip(codes, headings, strict=True))
    # An axis takes the axis' name in the reader's language; no heading is a bare code.
    assert economy in named["score_ECO"]
    assert economy in named["rank_ECO"]
    assert governance in named["score_GOV"]
    assert named["score_ECO"] != named["rank_ECO"]
    assert "Unemployment (percent)" in named["value_ECO.1.2"]
    assert not set(headings) & set(codes)
    assert [r[1] for r in rows] == ["City C", "City B", "City A"]


def test_the_former_csv_layout_stays_for_scripts(client, published):  # noqa: F811
    codes, *rows = _csv(client, published, "fr", "?header=codes")
    assert codes[: len(CODES)] == CODES
    assert rows[0][1] == "City C"
    assert all(c.isascii() for c in codes)


@pytest.mark.parametrize(
    ("language", "economy", "dictionary_heading"),
    [
        ("fr", "Économie intelligente", "Ville"),
        ("es", "Economía inteligente", "Ciudad"),
    ],
)
def test_xlsx_headings_and_its_data_dictionary(
    client,
    published,  # noqa: F811
    language,
    economy,
    dictionary_heading,
):
    book = _xlsx(client, published, language)
    assert book.sheetnames[:2] == ["results", "columns"]
    results = book["results"]
    headings = [c.value for c in results[1]]
    assert any(economy in h for h in headings)
    assert results.cell(row=2, column=2).value == "City C"
    dictionary = list(book["columns"].iter_rows(values_only=True))
    entries = dictionary[1:]
    # One entry per column, in order: its letter, the heading shown, the code, its meaning.
    assert [e[1] for e in entries] == headings
    assert [e[2] for e in entries][: len(CODES)] == CODES
    assert entries[0][0] == "A"
    assert entries[1][1] == dictionary_heading
    assert all(e[3] for e in entries)
    # The other sheets are as they were.
    assert {"indicators", "metadata"} <= set(book.sheetnames)


def test_json_stays_keyed_by_the_codes(client, published):  # noqa: F811
    response = client.get(f"/es/study/editions/{published.pk}/results.json")
    first = json.loads(response.content)["cities"][0]
    assert list(first)[: len(CODES)] == CODES
