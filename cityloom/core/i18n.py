"""User content carries its own language; these helpers pick the best version for the reader."""

import re
from functools import lru_cache

from babel import Locale
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

# A BCP 47 tag as records store it ("es", "pt-BR"): anything else is never written into a page.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")


class Text(str):
    """User content that knows the language it is written in (`lang`), so a page can say it.

    A French page showing a Spanish title marks it `lang="es"` (`{% lang_attr text %}`): a screen
    reader then reads it with Spanish rules, and a translation tool knows what it is looking at.
    """

    lang: str

    def __new__(cls, value: str, lang: str):
        text = super().__new__(cls, value or "")
        text.lang = lang
        return text

    def __reduce__(self):
        # Copied, deep-copied (dataclasses.asdict) and pickled (the cache) with its language.
        return (Text, (str(self), self.lang))


def original_language(obj) -> str:
    """The language a record's untranslated fields are written in: its own `language` field
    when it has one, else the site's first language (the secretariat writes originals in it)."""
    return (getattr(obj, "language", "") or settings.LANGUAGE_CODE)[:2]


def translated(obj, field: str) -> Text:
    """`obj.<field>_<lang>` for the active language when filled in, else the original `obj.<field>`."""
    lang = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    version = getattr(obj, f"{field}_{lang}", "")
    if version:
        return Text(version, lang)
    return Text(getattr(obj, field), original_language(obj))


def lang_attribute(value) -> SafeString:
    """` lang="xx"` when `value` is a `Text` in another language than the page, else nothing."""
    lang = getattr(value, "lang", "")
    page = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if not LANGUAGE_TAG.fullmatch(lang or "") or lang.split("-")[0] == page:
        return SafeString("")
    return format_html(' lang="{}"', lang)


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str, default: str = "") -> str:
    """The country's name in the active language (CLDR), else `default` (GeoNames' English name)."""
    return _territories((translation.get_language() or "en")[:2]).get(code, default or code)


def signed(value: float, decimal_pos: int = 1) -> str:
    """A change with its sign, written as the reader's language writes numbers: "+4,0" in
    French and Spanish, "+4.0" in English (a bare f"{x:+.1f}" is English everywhere)."""
    from django.utils.formats import number_format

    # number_format cuts the digits it drops: round first, as f"{value:.1f}" does.
    value = round(value, decimal_pos) + 0.0  # and -0.0 is no change: "0.0"
    return ("+" if value > 0 else "") + number_format(value, decimal_pos)


def signed_percent(ratio: float) -> str:
    """A relative change as a signed percentage: "+12 %" in French, "+12%" in English."""
    from django.utils.formats import number_format

    sign = "+" if ratio > 0 else ""
    number = number_format(round(ratio * 100), 0)
    # French sets a (narrow no-break) space before the percent sign; English and Spanish do not.
    space = "\u202f" if (translation.get_language() or "")[:2] == "fr" else ""
    return f"{sign}{number}{space}%"
