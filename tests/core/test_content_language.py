"""User content says its language: a French page showing an English title marks it `lang="en"`."""

import pytest
from django.template import Context, Template
from django.utils import translation

from cityloom.core.i18n import Text, lang_attribute, translated
from cityloom.network.models import Commission


def _render(source: str, **context) -> str:
    return Template("{% load cityloom %}" + source).render(Context(context))


def test_translated_says_which_version_it_picked():
    commission = Commission(name="Digital cities", name_fr="Villes numériques", name_es="")
    with translation.override("fr"):
        name = translated(commission, "name")
        assert (name, name.lang) == ("Villes numériques", "fr")
    with translation.override("es"):
        name = translated(commission, "name")
        assert (name, name.lang) == ("Digital cities", "en")


@pytest.mark.parametrize(
    ("page", "expected"),
    [("fr", '<span lang="es">Movilidad &amp; Bilbao</span>'), ("es", "Movilidad &amp; Bilbao")],
)
def test_in_lang_wraps_content_in_another_language_only(page, expected):
    with translation.override(page):
        assert _render("{{ t|in_lang }}", t=Text("Movilidad & Bilbao", "es")) == expected


def test_a_plain_string_and_a_forged_language_add_nothing():
    with translation.override("fr"):
        assert _render("<p{% lang_attr t %}>", t="Plain") == "<p>"
        assert lang_attribute(Text("x", '"><script>')) == ""
        assert _render("<p{% lang_attr t %}>", t=Text("x", "pt-BR")) == '<p lang="pt-BR">'


def test_a_text_keeps_its_language_when_copied_or_pickled():
    import copy
    import pickle

    text = Text("Movilidad", "es")
    for twin in (copy.copy(text), copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert (twin, twin.lang, type(twin)) == ("Movilidad", "es", Text)
