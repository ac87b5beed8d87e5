"""Languages of work: ISO 639-1 codes, named in the reader's language by CLDR (Babel)."""

from functools import lru_cache

from babel import Locale
from django.utils import translation

# The languages the network works in: UCLG's three, and those of its member cities.
WORK_LANGUAGES = ("en", "fr", "es", "pt", "ar", "zh", "ru", "de", "it", "eu", "ca", "fi")


@lru_cache(maxsize=8)
def _names(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).languages)


def language_name(code: str) -> str:
    """`es` → `Spanish` / `espagnol` / `español`, in the active language."""
    name = _names((translation.get_language() or "en")[:2]).get(code, code)
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in WORK_LANGUAGES]
