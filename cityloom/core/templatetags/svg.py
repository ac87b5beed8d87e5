"""Numbers for SVG attributes: one decimal and a dot, whatever the page's language."""

from django import template

register = template.Library()


@register.filter
def coord(value: float) -> str:
    """A coordinate with one decimal (`210.0`); `{{ value }}` would write `210,0` in French."""
    return f"{value:.1f}"


@register.filter
def points(value: list[tuple[float, float]]) -> str:
    """A `points` attribute: `x,y` pairs with one decimal, separated by spaces."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in value)
