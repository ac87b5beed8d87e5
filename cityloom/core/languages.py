"""Languages of work: ISO 639-1 codes, named in the reader's language by CLDR (Babel)."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation

# The languages the network works in: UCLG's three, and those of its member cities.
WORK_LANGUAGES = ("en", "fr", "es", "pt", "ar", "zh", "ru", "de", "it", "eu", "ca", "fi")


@lru_cache(maxsize=8)
def _names(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).languages)
    except (ValueError, UnknownLocaleError):
        return {}


def language_name(code: str) -> str:
    """`es` → `Spanish` / `Espagnol` / `Español`, in the active language, else the code.

    CLDR writes French and Spanish names in lower case, as inside a sentence; every page shows
    them as list items or choices, so the first letter is always a capital.
    """
    name = _names((translation.get_language() or "en")[:2]).get(code)
    return name[:1].upper() + name[1:] if name else code


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in WORK_LANGUAGES]


def platform_language_choices() -> list[tuple[str, str]]:
    """The languages the platform itself speaks (settings.LANGUAGES), named like the others."""
    return [(code, language_name(code)) for code, _name in settings.LANGUAGES]


def every_language_choices() -> list[tuple[str, str]]:
    """Every language CLDR names (ISO 639 codes), by name: what a city's people speak."""
    codes = [code for code in _names("en") if "_" not in code]
    return sorted(((code, language_name(code)) for code in codes), key=lambda pair: pair[1])
