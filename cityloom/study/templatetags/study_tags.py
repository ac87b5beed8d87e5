from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html

from cityloom.core.i18n import signed as signed_number
from cityloom.study.names import LocalName, local_name
from cityloom.study.queries import label
from cityloom.study.services.computation import describe

register = template.Library()


@register.filter
def study_describe(problem: dict) -> str:
    """A stored computation note or error, in the reader's language."""
    return describe(problem)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def node_label(item: dict) -> str:
    return label(item)


def _name(value, field: str) -> LocalName | str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return local_name(value, field)


def _foreign(name) -> str:
    """The language of `name` when it is not the page's, else ""."""
    lang = getattr(name, "lang", "")
    return lang if lang and lang != (translation.get_language() or "en")[:2] else ""


@register.filter
def localized(value, field: str = "name") -> str:
    """A framework's, group's or indicator's name (or `unit`…) in the reader's language.

    `value` is a Framework, a Node, a structure entry or a name a query picked (LocalName).
    When the reader's language is missing, the original shows inside `<span lang="en">`.
    """
    name = _name(value, field)
    if lang := _foreign(name):
        return format_html('<span lang="{}">{}</span>', lang, name)
    return conditional_escape(name)


@register.filter
def foreign_lang(value, field: str = "name") -> str:
    """The language of the name shown for `value` when it is not the page's, else "".

    For where markup cannot go (an `<option>`, an attribute): `lang="{{ x|foreign_lang }}"`.
    """
    return _foreign(_name(value, field))


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return signed_number(value, 1)
