"""What makes a gettext catalog wrong, checked by `compile_catalogs` and the test suite.

A catalog can be complete and still show English or nonsense: a plural entry with fewer forms
than the language has (gettext then falls back to the English msgid), a msgstr cut short by a
bad merge ("position" → "p"), or one term translated two ways in two apps' catalogs. Each
check returns readable problems, one line each, naming the file and the entry.

One term, one translation: the glossary (`cityloom/locale/glossary.yaml`) fixes the French and
Spanish of the platform's terms, and a msgid found in several catalogs is translated the same
way in all of them. Where one English word carries two senses ("position" as a job title and
as an order), the code gives each its `msgctxt` (pgettext), so each sense is its own entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import polib
import yaml

GLOSSARY = Path(__file__).resolve().parent.parent / "locale" / "glossary.yaml"

# A msgstr under a third of its msgid's length is a truncation, not a translation; under four
# characters of msgid ("OK", "No.") the ratio says nothing.
SHORT_RATIO = 3
SHORT_FROM = 4


def load_glossary(path: Path = GLOSSARY) -> dict[str, dict[str, str]]:
    """{English term: {language: translation}} as written in the glossary file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {term: dict(translations) for term, translations in data["terms"].items()}


def nplurals(catalog: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _live(catalog: polib.POFile) -> Iterable[polib.POEntry]:
    return (entry for entry in catalog if not entry.obsolete)


def entry_problems(
    catalog: polib.POFile, path: Path | str, language: str, glossary: dict[str, dict[str, str]]
) -> list[str]:
    """Fuzzy, untranslated, truncated, short of plural forms, or against the glossary."""
    problems = []
    forms = nplurals(catalog)
    for entry in _live(catalog):
        where = f"{path}:{entry.linenum}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            given = [i for i in range(forms) if entry.msgstr_plural.get(i)]
            if len(given) < forms:
                problems.append(
                    f"{where}: {len(given)} of {forms} plural forms: {entry.msgid_plural!r}"
                )
        elif not entry.msgstr:
            problems.append(f"{where}: untranslated: {entry.msgid!r}")
        elif len(entry.msgid) >= SHORT_FROM and len(entry.msgstr) * SHORT_RATIO < len(entry.msgid):
            problems.append(f"{where}: truncated: {entry.msgid!r} → {entry.msgstr!r}")
        expected = glossary.get(entry.msgid, {}).get(language)
        if expected is not None and not entry.msgctxt and entry.msgstr not in ("", expected):
            problems.append(
                f"{where}: glossary says {entry.msgid!r} → {expected!r}, not {entry.msgstr!r}"
            )
    return problems


def inconsistencies(catalogs: Iterable[tuple[Path | str, str, polib.POFile]]) -> list[str]:
    """The (context, msgid) pairs translated differently in different catalogs of a language."""
    seen: dict[tuple[str, str | None, str], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for path, language, catalog in catalogs:
        for entry in _live(catalog):
            if entry.msgid_plural or not entry.msgstr or "fuzzy" in entry.flags:
                continue
            seen[(language, entry.msgctxt, entry.msgid)][entry.msgstr].append(str(path))
    problems = []
    for (language, context, msgid), translations in sorted(seen.items(), key=str):
        if len(translations) > 1:
            ways = "; ".join(
                f"{msgstr!r} in {', '.join(paths)}" for msgstr, paths in translations.items()
            )
            label = f"{context}|{msgid}" if context else msgid
            problems.append(f"{language}: {label!r} is translated {len(translations)} ways: {ways}")
    return problems


def language_of(po_path: Path) -> str:
    """locale/<language>/LC_MESSAGES/django.po → <language>."""
    return po_path.parent.parent.name
