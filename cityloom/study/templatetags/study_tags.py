from django import template

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


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}"
