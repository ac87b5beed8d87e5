"""Names of frameworks, groups and indicators in the reader's language.

A framework carries its names (and units) in English, French and Spanish. Where a language
is missing, the reader sees the original, and the page must say which language that is:
`local_name` returns the text together with its language, the `localized` template filter
(study_tags) marks it with `lang`.
"""

from django.utils import translation

from cityloom.core.axes import Axis

# The language of `name`, `unit`… on a framework and its nodes (the fields without a suffix).
ORIGINAL_LANGUAGE = "en"


class LocalName(str):
    """A name as shown to the reader; `lang` is the language it is written in."""

    lang: str

    def __new__(cls, text: str, lang: str = ORIGINAL_LANGUAGE):
        name = super().__new__(cls, text)
        name.lang = lang
        return name

    def __reduce__(self):
        # Pickled (cached pages, tasks) with its language.
        return (LocalName, (str(self), self.lang))


def local_name(item, field: str = "name") -> LocalName:
    """`item`'s `field` in the active language, else the original (English).

    `item` is a model instance (Framework, Node) or a structure entry (a dict with `name`,
    `name_fr`, `name_es`), as computations store them.
    """
    lang = (translation.get_language() or ORIGINAL_LANGUAGE)[:2]
    if isinstance(item, dict):
        get = item.get
    else:

        def get(key, default=None):
            return getattr(item, key, default)

    if lang != ORIGINAL_LANGUAGE and (text := get(f"{field}_{lang}")):
        return LocalName(text, lang)
    if field == "name" and lang != ORIGINAL_LANGUAGE and _is_axis(item, get):
        # A top group mapped to one of the six axes is that axis: its name is translated.
        return LocalName(str(Axis(get("axis")).label), lang)
    return LocalName(get(field) or "", ORIGINAL_LANGUAGE)


def _is_axis(item, get) -> bool:
    """A framework's top group mapped to an axis (a factor inherits its axis' and is not one)."""
    if get("axis") not in Axis.values:
        return False
    if isinstance(item, dict):
        return item.get("parent") is None
    return getattr(item, "parent_id", True) is None
