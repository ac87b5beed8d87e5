"""A light stemmer for French, Spanish and English word forms, accents folded.

One rule set for the three languages: `mobilité`, `mobilite`, `mobilités` and `mobility` all
become `mobil`, and cognates such as `participación`/`participation` share a stem, so a reader
finds a practice written in another language. The SQLite backend applies it at index and at
query time; PostgreSQL uses its own Snowball stemmers.
"""

import re
from functools import lru_cache

from cityloom.core.text import fold

_WORD = re.compile(r"[0-9a-z]+")

# Longest first; a suffix is removed only if at least 3 letters of stem remain.
_SUFFIXES = sorted(
    {
        # -tion / -ción / -sion
        "ations",
        "ation",
        "aciones",
        "acion",
        "itions",
        "ition",
        "iciones",
        "icion",
        "tions",
        "tion",
        "ciones",
        "cion",
        "sions",
        "sion",
        "siones",
        # -ment / -miento / -mente
        "ements",
        "ement",
        "amientos",
        "amiento",
        "imientos",
        "imiento",
        "ments",
        "ment",
        "mente",
        # -ité / -idad / -ity
        "ites",
        "ite",
        "ities",
        "ity",
        "idades",
        "idad",
        "dades",
        "dad",
        # -ique / -ica / -ic
        "iques",
        "ique",
        "icas",
        "ica",
        "icos",
        "ico",
        "ics",
        "ic",
        "ical",
        "icales",
        "ismes",
        "isme",
        "ismos",
        "ismo",
        "isms",
        "ism",
        "istes",
        "iste",
        "istas",
        "ista",
        "ists",
        "ist",
        "ables",
        "able",
        "ibles",
        "ible",
        "ives",
        "ive",
        "ivas",
        "iva",
        "ivos",
        "ivo",
        "ales",
        "ale",
        "aux",
        "al",
        "elles",
        "elle",
        "els",
        "el",
        "ies",
        "ias",
        "ia",
        "ie",
        "y",
        "euses",
        "euse",
        "eurs",
        "eur",
        "ores",
        "or",
        "ers",
        "er",
        "ings",
        "ing",
        "ed",
        "es",
        "os",
        "as",
        "s",
        "e",
        "a",
        "o",
    },
    key=len,
    reverse=True,
)
_MIN_STEM = 3

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "de",
        "del",
        "des",
        "du",
        "el",
        "en",
        "et",
        "for",
        "from",
        "in",
        "is",
        "la",
        "las",
        "le",
        "les",
        "los",
        "of",
        "on",
        "or",
        "para",
        "por",
        "the",
        "to",
        "un",
        "una",
        "une",
        "y",
    ]
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one folded word."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Folded words of `text` (letters and digits), in order."""
    return _WORD.findall(fold(text))


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def query_stems(text: str) -> list[str]:
    """Stems of a search query, without stop words, duplicates removed, order kept."""
    seen: dict[str, None] = {}
    for w in words(text):
        if w not in STOP_WORDS:
            seen.setdefault(stem(w), None)
    return list(seen)
