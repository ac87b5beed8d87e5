import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from cityloom.core import charts

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "Eau <script>& air"
# What autoescaping makes of the `<script>&` part: `&` escaped once, not `&amp;lt;`.
ESCAPED = "&lt;script&gt;&amp;"


def test_scale_clamps_and_centres_an_empty_range():
    assert charts.scale(25, 0, 100) == (25 - 0) / (100 - 0)
    assert charts.scale(30, 20, 60) == (30 - 20) / (60 - 20)
    assert charts.scale(-5, 0, 100) == 0.0
    assert charts.scale(120, 0, 100) == 1.0
    assert charts.scale(7, 7, 7) == 0.5


def test_polar_starts_up_and_turns_clockwise():
    assert charts.polar(210, 200, 130, 0, 4) == (210 + 130 * 0.0, 200 - 130 * 1.0)
    assert charts.polar(210, 200, 130, 1, 4) == pytest.approx((210 + 130, 200))
    assert charts.polar(210, 200, 130, 3, 4) == pytest.approx((210 - 130, 200))


def test_tens_range_and_ticks():
    assert charts.tens_range([]) == (0, 100)
    assert charts.tens_range([-12.0, 115.5]) == (-20, 120)
    assert charts.ticks(0, 100) == [0, 25, 50, 75, 100]
    # (110 - 0) / 4 = 27.5, so steps of 27 that stop short of 110.
    assert charts.ticks(0, 110) == [0, 27, 54, 81, 108]


def test_radar_layout_small_input():
    layout = charts.radar_layout(["A", "B", "C", "D"], [("City", [50.0, None, 100.0, 25.0])])
    cx, cy, r = 210, 200, 130
    assert (layout.width, layout.height) == (420, 420 + 10 * 1)
    assert layout.rings[3][0] == (cx, cy - r * 1.0)
    assert layout.spokes[0].end == (cx, cy - r)
    assert [s.label.anchor for s in layout.spokes] == ["middle", "start", "middle", "end"]
    assert (layout.spokes[0].label.x, layout.spokes[0].label.y) == (cx, cy - (r + 18) + 4)
    # A missing value sits at the centre, as the lowest score would.
    expected = [(cx, cy - r * 0.5), (cx, cy), (cx, cy + r * 1.0), (cx - r * 0.25, cy)]
    for point, (x, y) in zip(layout.shapes[0].points, expected, strict=True):
        assert point == (pytest.approx(x), pytest.approx(y))
    key = layout.shapes[0].key
    assert (key.swatch, key.label.x, key.label.y) == ((10, 420 - 40 - 9), 28, 420 - 40 + 1)


def test_bars_layout_small_input():
    layout = charts.bars_layout([("Energy", 50.0), ("Water", None)], low=0.0, high=100.0)
    assert layout.height == 12 + 2 * (18 + 8)
    energy, water = layout.bars
    assert energy.width == (640 - 260 - 60) * 0.5
    assert energy.value == charts.Text(260 + 160.0 + 6, 8 + 13, "50.0")
    assert (water.width, water.value) == (None, charts.Text(260 + 4, 8 + 26 + 13, "—"))


def test_trajectory_layout_small_input():
    layout = charts.trajectory_layout(
        [2020, 2022], [("Overall", [40.0, None]), ("Economy", [20.0, 110.0])]
    )
    left, top, plot_w, plot_h = 50, 16, 640 - 50 - 150, 280 - 16 - 36
    # 110 widens the scale to 0…110.
    assert [g.label.text for g in layout.grid] == ["0", "27", "54", "81", "108"]
    assert layout.grid[0].y == top + plot_h * (1 - 0.0)
    assert [(t.x, t.text) for t in layout.years] == [(left, "2020"), (left + plot_w, "2022")]
    overall, economy = layout.lines
    assert overall.points == [(left + 0.0, top + plot_h * (1 - 40 / 110))]
    assert economy.points == [
        (left + 0.0, top + plot_h * (1 - 20 / 110)),
        (left + plot_w * 1 / 1, top + plot_h * (1 - 1.0)),
    ]
    assert (overall.stroke_width, economy.stroke_width) == (3, 1.5)
    assert economy.key.swatch == (640 - 150 + 10, top + 14 + 16 - 9)


def test_strips_layout_merges_ticks_closer_than_a_tenth_of_a_pixel():
    layout = charts.strips_layout(
        [("Energy", [0.0, 50.0, 50.01, 100.0], 25.0)], low=0.0, high=100.0
    )
    (strip,) = layout.strips
    assert layout.height == 20 + 30
    # 180 + 440 * 0.5001 = 400.04, drawn on the tick at 400.0.
    assert strip.ticks == "M180.0 7V21M400.0 7V21M620.0 7V21"
    assert strip.mine == 180 + 440 * 0.25


def test_share_bar_layout_names_only_wide_segments():
    yes, no = charts.share_bar_layout([("Yes", 0.75), ("No", 0.0625)]).segments
    assert (yes.x, yes.width, yes.label) == (0.0, 640 * 0.75, charts.Text(4.0, 22, "Yes 75%"))
    assert (no.x, no.width, no.label) == (640 * 0.75, 640 * 0.0625, None)


def test_line_chart_layout_small_input():
    layout = charts.line_chart_layout(["Q1", "Q2", "Q3"], [("Mobility", [0, 2, 4])])
    left, top, plot_w, plot_h = 40, 20, 640 - 40 - 150, 260 - 20 - 40
    assert layout.top_value == 4
    assert layout.lines[0].points == [
        (left + plot_w * 0 / 2, top + plot_h - plot_h * 0 / 4),
        (left + plot_w * 1 / 2, top + plot_h - plot_h * 2 / 4),
        (left + plot_w * 2 / 2, top + plot_h - plot_h * 4 / 4),
    ]
    assert [(t.x, t.y) for t in layout.periods] == [(40.0, 236), (265.0, 236), (490.0, 236)]
    assert [t.text for t in layout.values] == ["4", "0"]
    assert layout.lines[0].key.swatch == (640 - 150 + 10, top + 14)


CHARTS = {
    "radar": lambda: charts.radar([NASTY, "B", "C"], [(NASTY, [10.0, 20.0, 30.0])], label=NASTY),
    "bars": lambda: charts.bars([(NASTY, 40.0)], label=NASTY),
    "trajectory": lambda: charts.trajectory([2020, 2022], [(NASTY, [40.0, 50.0])], label=NASTY),
    "strips": lambda: charts.strips([(NASTY, [1.0, 2.0], 1.5)], label=NASTY, low=0.0, high=3.0),
    "share_bar": lambda: charts.share_bar([(NASTY, 1.0)], label=NASTY),
    "line_chart": lambda: charts.line_chart(
        ["Q1", NASTY], [(NASTY, [1, 2])], title=NASTY, chart_id="topics"
    ),
}
# The title and aria-label (the line chart: its title), then the label drawn in the chart:
# the radar writes it on a spoke and in the legend, the line chart on a period and the legend.
OCCURRENCES = {"radar": 2 + 2, "line_chart": 1 + 2}


@pytest.mark.parametrize("kind", CHARTS)
def test_labels_are_escaped_exactly_once(kind):
    svg = str(CHARTS[kind]())
    assert "<script>" not in svg
    assert "&amp;lt;" not in svg
    assert "&amp;amp;" not in svg
    assert svg.count(ESCAPED) == OCCURRENCES.get(kind, 2 + 1)
    # Parsed, the SVG gives back the label as written: escaped once, not twice.
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == NASTY
    texts = [t.text for t in root.iter(f"{SVG}text")]
    share = f"{NASTY[:14]} 100%"
    assert (share if kind == "share_bar" else NASTY) in texts


@pytest.mark.parametrize("kind", CHARTS)
def test_coordinates_keep_a_dot_in_french(kind):
    with translation.override("fr"):
        svg = str(CHARTS[kind]())
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|points)="([^"]*)"', svg)
    assert numbers
    assert all(re.fullmatch(r"[-0-9. ,]+", n) for n in numbers), numbers
    assert all("," not in n for n in re.findall(r'\s(?:x|y|cx|cy)="([^"]*)"', svg))


def test_line_chart_is_labelled_by_its_title():
    svg = str(CHARTS["line_chart"]())
    assert 'aria-labelledby="topics-title"' in svg
    assert '<title id="topics-title">' in svg
    assert "aria-label=" not in svg


def test_no_inline_style():
    for make in CHARTS.values():
        assert "style=" not in str(make())


def test_palette_is_shared_and_repeats():
    assert charts.colour(0) == charts.PALETTE[0]
    assert charts.colour(len(charts.PALETTE) + 1) == charts.PALETTE[1]


def test_wrap_keeps_words_whole():
    assert charts.wrap("Qualité de vie intelligente") == ["Qualité de vie", "intelligente"]
    assert charts.wrap("Environnementalement") == ["Environnementalement"]
    assert charts.wrap("") == [""]


def test_text_extent_follows_the_anchor():
    width = 4 * charts.FONT_SIZE * charts.CHAR_WIDTH
    assert charts.text_extent(charts.Text(100, 50, "abcd"))[::2] == (100, 100 + width)
    assert charts.text_extent(charts.Text(100, 50, "abcd", "end"))[::2] == (100 - width, 100)
    assert charts.text_extent(charts.Text(100, 50, "abcd", "middle"))[::2] == (
        100 - width / 2,
        100 + width / 2,
    )


AXES_FR = [
    "Économie intelligente",
    "Gouvernance intelligente",
    "Citoyenneté intelligente",
    "Mobilité intelligente",
    "Environnement intelligent",
    "Qualité de vie intelligente",
]


def test_radar_wraps_long_labels_and_its_view_box_holds_them():
    layout = charts.radar_layout(AXES_FR, [("Bilbao", [50.0] * 6), ("Moyenne", [40.0] * 6)])
    # "Qualité de vie intelligente" used to be cut by the chart's left edge ("ie intelligente").
    assert [t.text for t in layout.spokes[5].lines] == ["Qualité de vie", "intelligente"]
    left, top, width, height = map(float, charts.view_box(layout).split())
    for spoke in layout.spokes:
        for line in spoke.lines:
            x0, y0, x1, y1 = charts.text_extent(line)
            assert left <= x0
            assert top <= y0
            assert x1 <= left + width
            assert y1 <= top + height
    svg = str(charts.radar(AXES_FR, [("Bilbao", [50.0] * 6)], label="Profil"))
    assert "Qualité de vie</text>" in svg
    assert ">intelligente</text>" in svg


def test_view_box_is_the_plain_size_when_every_label_fits():
    layout = charts.bars_layout([("Eau", 50.0)])
    assert charts.view_box(layout) == f"0 0 {layout.width} {layout.height}"
    long = charts.bars_layout([("A very long factor name that runs past the left", 50.0)])
    assert float(charts.view_box(long).split()[0]) < 0
