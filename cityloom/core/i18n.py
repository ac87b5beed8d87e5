"""User content carries its own language; these helpers pick the best version for the reader."""

from functools import lru_cache

from babel import Locale
from django.utils import translation


def translated(obj, field: str) -> str:
    """`obj.<field>_<lang>` for the active language when filled in, else the original `obj.<field>`."""
    lang = (translation.get_language() or "en")[:2]
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, field)


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str, default: str = "") -> str:
    """The country's name in the active language (CLDR), else `default` (GeoNames' English name)."""
    return _territories((translation.get_language() or "en")[:2]).get(code, default or code)
