"""The focus ring stands out (WCAG 2.1 SC 1.4.11: 3:1) on every surface it can be drawn on,
computed from the design tokens themselves so a colour change cannot slip under the bar."""

import re
from pathlib import Path

import pytest

TOKENS = Path(__file__).resolve().parents[2] / "cityloom" / "static" / "css" / "tokens.css"


def _tokens() -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", TOKENS.read_text()))


def _luminance(hex_colour: str) -> float:
    """Relative luminance, as WCAG 2.1 defines it."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    # The old ring, as the audit measured it: 2.0:1 on white.
    assert contrast("#f5a623", "#ffffff") == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(
    "surface",
    [
        "color-surface",  # pages and cards
        "color-surface-soft",  # the filter panel (form.filters)
        "color-surface-sunk",
        "color-accent-soft",
        "color-info-soft",
        "color-warning-soft",
        "color-success-soft",
        "color-danger-soft",
        "color-neutral-soft",
    ],
)
def test_focus_ring_has_3_to_1_on_light_surfaces(surface):
    tokens = _tokens()
    assert contrast(tokens["color-focus"], tokens[surface]) >= 3


def test_focus_ring_on_the_dark_header_has_3_to_1():
    tokens = _tokens()
    assert contrast(tokens["color-focus-on-dark"], tokens["color-header"]) >= 3


def test_the_ring_is_drawn_with_the_focus_token():
    assert re.search(r"--focus-ring:\s*\d+px solid var\(--color-focus\)", TOKENS.read_text())
