"""Numbers and dates as the reader's language writes them (issue 17)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from cityloom.core.i18n import signed, signed_percent


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "first", "twelfth"),
    [
        ("fr", "1er juin 2013", "12 juin 2013"),
        ("es", "1 de junio de 2013", "12 de junio de 2013"),
        ("en", "June 1, 2013", "June 12, 2013"),
    ],
)
def test_the_first_of_the_month_in_french_is_1er(language, first, twelfth):
    with translation.override(language):
        rendered = _render(
            '{{ a|date:"DATE_FORMAT" }}|{{ b|date:"DATE_FORMAT" }}|{{ a|date }}',
            a=dt.date(2013, 6, 1),
            b=dt.date(2013, 6, 12),
        )
    assert rendered.split("|") == [first, twelfth, first]


def test_june_and_july_do_not_share_an_abbreviation_in_french():
    with translation.override("fr"):
        june = _render('{{ d|date:"D j N" }}', d=dt.date(2013, 6, 13))
        july = _render('{{ d|date:"D j N" }}', d=dt.date(2013, 7, 11))
    assert june.split()[-1] != july.split()[-1]


@pytest.mark.parametrize(
    ("language", "plus", "minus", "percent"),
    [
        ("fr", "+4,0", "-2,5", "+12\u202f%"),
        ("es", "+4,0", "-2,5", "+12%"),
        ("en", "+4.0", "-2.5", "+12%"),
    ],
)
def test_signed_changes_follow_the_locale(language, plus, minus, percent):
    with translation.override(language):
        assert (signed(4.0), signed(-2.5), signed(0.0)) == (plus, minus, "0" + plus[2:3] + "0")
        assert signed_percent(0.12) == percent


def test_signed_rounds_rather_than_cuts():
    with translation.override("en"):
        assert (signed(32.36), signed(-0.04), signed(2.96)) == ("+32.4", "0.0", "+3.0")
