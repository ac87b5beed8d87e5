"""The catalogs say what the code says, once, in every language: checked on the real files."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import cityloom
from cityloom.core import catalogs

SOURCE = Path(cityloom.__file__).parent


def _catalog(*entries, plural_forms="nplurals=2; plural=(n > 1);"):
    catalog = polib.POFile()
    catalog.metadata = {"Plural-Forms": plural_forms, "Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        catalog.append(entry)
    return catalog


def test_a_truncated_translation_is_refused():
    catalog = _catalog(polib.POEntry(msgid="position", msgstr="p"))
    [problem] = catalogs.entry_problems(catalog, "x.po", "fr", {})
    assert "truncated" in problem
    assert "'position'" in problem


def test_a_short_msgid_may_have_a_short_translation():
    catalog = _catalog(polib.POEntry(msgid="No.", msgstr="N°"))
    assert catalogs.entry_problems(catalog, "x.po", "fr", {}) == []


def test_a_plural_entry_needs_every_form_of_its_language():
    entry = polib.POEntry(
        msgid="%(n)d practice found",
        msgid_plural="%(n)d practices found",
        msgstr_plural={0: "%(n)d práctica encontrada", 1: "%(n)d prácticas encontradas"},
    )
    three = _catalog(entry, plural_forms="nplurals=3; plural=(n == 1 ? 0 : 2);")
    [problem] = catalogs.entry_problems(three, "x.po", "es", {})
    assert "2 of 3 plural forms" in problem
    assert catalogs.entry_problems(_catalog(entry), "x.po", "es", {}) == []


def test_fuzzy_and_empty_entries_are_refused():
    fuzzy = polib.POEntry(msgid="Members", msgstr="Membres", flags=["fuzzy"])
    empty = polib.POEntry(msgid="Events", msgstr="")
    problems = catalogs.entry_problems(_catalog(fuzzy, empty), "x.po", "fr", {})
    assert [p.split(": ")[1] for p in problems] == ["fuzzy", "untranslated"]


def test_a_glossary_term_translated_otherwise_is_refused_but_its_other_senses_are_free():
    glossary = {"status": {"fr": "statut", "es": "estado"}}
    other = polib.POEntry(msgid="status", msgstr="état")
    sense = polib.POEntry(msgctxt="machine", msgid="status", msgstr="état")
    [problem] = catalogs.entry_problems(_catalog(other, sense), "x.po", "fr", glossary)
    assert "glossary says 'status' → 'statut'" in problem


def test_one_msgid_translated_two_ways_in_two_catalogs_is_refused():
    first = _catalog(polib.POEntry(msgid="All", msgstr="Tous"))
    second = _catalog(polib.POEntry(msgid="All", msgstr="Toutes"))
    sense = _catalog(polib.POEntry(msgctxt="regions", msgid="All", msgstr="Toutes"))
    spanish = _catalog(polib.POEntry(msgid="All", msgstr="Todas"))
    [problem] = catalogs.inconsistencies(
        [
            ("a.po", "fr", first),
            ("b.po", "fr", second),
            ("c.po", "fr", sense),
            ("d.po", "es", spanish),
        ]
    )
    assert problem.startswith("fr: 'All' is translated 2 ways")


def test_every_glossary_term_has_french_and_spanish():
    glossary = catalogs.load_glossary()
    assert len(glossary) > 30
    assert [term for term, tr in glossary.items() if set(tr) != {"fr", "es"}] == []


def test_the_shipped_catalogs_pass_every_check():
    call_command("compile_catalogs", check=True)


def test_makemessages_finds_nothing_new_on_a_clean_tree(tmp_path, settings, monkeypatch):
    """Extract again, as `make messages` does, into a copy: no msgid the catalogs lack."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is missing: scripts/install-deps.sh --test installs it")
    copy = tmp_path / "cityloom"
    shutil.copytree(
        SOURCE,
        copy,
        ignore=shutil.ignore_patterns("static", "engines", "__pycache__", "*.mo", "*.pyc"),
    )
    domains = sorted(p.parent for p in copy.glob("*/locale") if p.parent.name != "cityloom")
    # The project catalog takes everything outside the domain apps, each app takes its own.
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [str(copy / "locale")]
    ignore = ["static/*", "engines/*", *[f"{app.name}/*" for app in domains]]
    call_command(
        "makemessages", locale=["fr"], no_location=True, ignore_patterns=ignore, verbosity=0
    )
    settings.LOCALE_PATHS = []
    for app in domains:
        monkeypatch.chdir(app)
        call_command("makemessages", locale=["fr"], no_location=True, verbosity=0)
    new = [
        f"{po.relative_to(copy)}: {entry.msgid!r}"
        for po in sorted(copy.glob("**/locale/fr/LC_MESSAGES/django.po"))
        for entry in polib.pofile(str(po))
        if not entry.obsolete and not entry.translated()
    ]
    assert new == [], "strings in the code that no catalog holds (run `make messages`)"
