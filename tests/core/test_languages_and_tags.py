"""Helpers every app shares: language names and tags."""

import pytest
from django.utils import translation

from cityloom.core.languages import language_choices, language_name
from cityloom.core.tags import Tag, known_tags, tags_named


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Spanish"), ("fr", "Espagnol"), ("es", "Español")]
)
def test_language_name_is_in_the_readers_language_with_a_capital(language, name):
    with translation.override(language):
        assert language_name("es") == name


def test_language_name_falls_back_to_the_code():
    with translation.override("en"):
        assert language_name("qqq") == "qqq"


def test_language_choices_name_every_work_language():
    with translation.override("fr"):
        choices = dict(language_choices())
    assert (choices["en"], choices["eu"]) == ("Anglais", "Basque")


def test_tags_named_makes_one_tag_per_slug(db):
    tags = tags_named(["Open data", " open data ", "OPEN-DATA", "", "!!!", "x" * 80])
    assert [t.slug for t in tags] == ["open-data", "open-data", "open-data", "x" * 60]
    assert Tag.objects.count() == 2
    assert Tag.objects.get(slug="open-data").name == "Open data"
    assert list(known_tags()) == ["open-data", "x" * 60]
