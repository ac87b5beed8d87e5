"""Charts drawn on the server as inline SVG: no script, no network, each with a data table beside it.

The geometry (scales, points, ticks) is computed here in plain Python; the markup lives in
`core/templates/core/charts/`, where autoescaping covers every label, so nothing is escaped
by hand. Colours are SVG presentation attributes, which the Content-Security-Policy allows
where an inline `style` would be refused.
"""

import math
from dataclasses import dataclass, fields, is_dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# Each at least 5:1 against white (WCAG 1.4.11 asks 3:1); the line chart adds dash patterns.
PALETTE = ("#0b5cad", "#a3211b", "#1f6f3b", "#6b3fa0", "#8a5a00", "#00707a")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
# Text, secondary marks (axes, ticks), grid lines, text on a coloured bar.
INK, MUTED, GRID, PAPER = "#1d2433", "#4a5568", "#d5dbe5", "#ffffff"

Point = tuple[float, float]


def colour(k: int) -> str:
    """The colour of the k-th series; the palette repeats past its end."""
    return PALETTE[k % len(PALETTE)]


def scale(value: float, low: float, high: float) -> float:
    """Where `value` falls between `low` and `high`, as 0…1 (clamped; 0.5 when the range is empty)."""
    if high == low:
        return 0.5
    return min(1.0, max(0.0, (value - low) / (high - low)))


def polar(cx: float, cy: float, radius: float, i: int, n: int) -> Point:
    """The point at `radius` on the i-th of n spokes, the first pointing up, turning clockwise."""
    angle = 2 * math.pi * i / n
    return cx + radius * math.sin(angle), cy - radius * math.cos(angle)


def tens_range(values: list[float], *, low: float = 0.0, high: float = 100.0) -> tuple[int, int]:
    """The values' range widened to include `low`…`high`, rounded out to tens."""
    return math.floor(min([*values, low]) / 10) * 10, math.ceil(max([*values, high]) / 10) * 10


def ticks(low: int, high: int) -> list[int]:
    """About four round steps from `low` to `high`, both included when the step divides."""
    return list(range(int(low), int(high) + 1, max(int((high - low) / 4), 1)))


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"


# Text is measured without a browser: each character counts as CHAR_WIDTH of the font size, a
# little more than the average advance of DejaVu Sans (among the widest sans-serif fonts), so a label
# measured here is never wider than drawn. The viewBox then grows to hold every label, in any language.
FONT_SIZE = 12
CHAR_WIDTH = 0.64
ASCENT, DESCENT = 0.95, 0.3
MARGIN = 4


def text_extent(text: Text, *, size: float = FONT_SIZE) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a label covers, estimated from its length."""
    width = len(text.text) * size * CHAR_WIDTH
    left = text.x - {"start": 0.0, "middle": width / 2, "end": width}[text.anchor]
    return left, text.y - size * ASCENT, left + width, text.y + size * DESCENT


def wrap(text: str, *, width: int = 16) -> list[str]:
    """Words on lines of about `width` characters (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _texts(value: object):
    """Every Text inside a layout, however deeply nested in dataclasses, lists and tuples."""
    if isinstance(value, Text):
        yield value
    elif is_dataclass(value):
        for field in fields(value):
            yield from _texts(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def view_box(chart: object) -> str:
    """`0 0 width height`, widened on any side where a label would stick out, plus a margin."""
    left, top, right, bottom = 0.0, 0.0, float(chart.width), float(chart.height)
    for text in _texts(chart):
        x0, y0, x1, y1 = text_extent(text)
        left, top, right, bottom = min(left, x0), min(top, y0), max(right, x1), max(bottom, y1)
    if (left, top, right, bottom) != (0.0, 0.0, chart.width, chart.height):
        left, top, right, bottom = left - MARGIN, top - MARGIN, right + MARGIN, bottom + MARGIN
    return " ".join(f"{v:.1f}".removesuffix(".0") for v in (left, top, right - left, bottom - top))


@dataclass(frozen=True)
class Key:
    """A legend entry: a mark at `swatch` (a square's top-left corner, or a line's start)."""

    swatch: Point
    label: Text


# Radar --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spoke:
    """A spoke's end and its label: `label` is its first line, `lines` every line drawn."""

    end: Point
    label: Text
    lines: list[Text]


@dataclass(frozen=True)
class Shape:
    """A series drawn as a polygon, with its legend entry."""

    points: list[Point]
    colour: str
    fill_opacity: str
    dash: str
    key: Key


@dataclass(frozen=True)
class RadarLayout:
    width: int
    height: int
    centre: Point
    rings: list[list[Point]]
    spokes: list[Spoke]
    shapes: list[Shape]


def radar_layout(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    low: float = 0.0,
    high: float = 100.0,
) -> RadarLayout:
    """Spokes, rings and one polygon per series; a missing value sits at the centre."""
    size, cx, cy, r = 420, 210, 200, 130
    n = max(len(labels), 3)
    spokes = []
    for i, text in enumerate(labels):
        sin = math.sin(2 * math.pi * i / n)
        cos = math.cos(2 * math.pi * i / n)
        lx, ly = polar(cx, cy, r + 18, i, n)
        anchor = "middle" if abs(sin) < 0.3 else ("start" if sin > 0 else "end")
        # A long label takes several lines: above the top spokes they grow upwards, beside the
        # side spokes they are centred on it, below the bottom spokes they grow downwards.
        words = wrap(text) if len(text) > 18 else [text]
        step = 14
        if anchor == "middle" and cos > 0:
            first = ly + 4 - step * (len(words) - 1)
        elif anchor == "middle":
            first = ly + 4
        else:
            first = ly + 4 - step * (len(words) - 1) / 2
        lines = [Text(lx, first + step * k, line, anchor) for k, line in enumerate(words)]
        spokes.append(Spoke(polar(cx, cy, r, i, n), lines[0], lines))
    shapes = []
    for k, (name, values) in enumerate(series):
        y = size - 40 + 16 * k
        shapes.append(
            Shape(
                points=[
                    polar(cx, cy, r * scale(v if v is not None else low, low, high), i, n)
                    for i, v in enumerate(values)
                ],
                colour=colour(k),
                # The first series (the city) is filled; the others are dashed outlines over it.
                fill_opacity="0.18" if k == 0 else "0",
                dash="5 3" if k else "",
                key=Key((10, y - 9), Text(28, y + 1, name)),
            )
        )
    return RadarLayout(
        width=size,
        height=size + 10 * len(series),
        centre=(cx, cy),
        rings=[
            [polar(cx, cy, r * ring, i, n) for i in range(n)] for ring in (0.25, 0.5, 0.75, 1.0)
        ],
        spokes=spokes,
        shapes=shapes,
    )


def radar(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    label: str,
    low: float = 0.0,
    high: float = 100.0,
) -> SafeString:
    """A radar (spider) chart: one spoke per axis, one polygon per series (city, average…)."""
    return _render("radar", radar_layout(labels, series, low=low, high=high), label=label)


# Bars ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row: its name, then a bar and its value, or only a dash when the value is missing."""

    name: Text
    y: int
    width: float | None
    value: Text


@dataclass(frozen=True)
class BarsLayout:
    width: int
    height: int
    left: int
    bar_height: int
    colour: str
    bars: list[Bar]


def bars_layout(
    rows: list[tuple[str, float | None]], *, low: float = 0.0, high: float = 100.0
) -> BarsLayout:
    """One horizontal bar per row, scaled from `low` to `high`."""
    width, left, bar_h = 640, 260, 18
    bars = []
    for i, (name, value) in enumerate(rows):
        y = 8 + i * (bar_h + 8)
        text = Text(left - 8, y + 13, name[:40], "end")
        if value is None:
            bars.append(Bar(text, y, None, Text(left + 4, y + 13, "—")))
        else:
            w = (width - left - 60) * scale(value, low, high)
            bars.append(Bar(text, y, w, Text(left + w + 6, y + 13, f"{value:.1f}")))
    return BarsLayout(width, 12 + len(rows) * (bar_h + 8), left, bar_h, PALETTE[0], bars)


def bars(
    rows: list[tuple[str, float | None]], *, label: str, low: float = 0.0, high: float = 100.0
) -> SafeString:
    """Horizontal bars, one per row (e.g. the factors of an axis)."""
    return _render("bars", bars_layout(rows, low=low, high=high), label=label)


# Trajectory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gridline:
    y: float
    label: Text


@dataclass(frozen=True)
class Line:
    """A series drawn as a line, with its legend entry."""

    points: list[Point]
    colour: str
    stroke_width: float
    dash: str
    key: Key


@dataclass(frozen=True)
class TrajectoryLayout:
    width: int
    height: int
    plot_left: int
    plot_right: int
    grid: list[Gridline]
    years: list[Text]
    lines: list[Line]


def trajectory_layout(
    years: list[int], series: list[tuple[str, list[float | None]]]
) -> TrajectoryLayout:
    """Years across, scores up (0…100 at least, widened to tens); a missing score is skipped."""
    width, height, left, right, top, bottom = 640, 280, 50, 150, 16, 36
    low, high = tens_range([v for _n, vs in series for v in vs if v is not None])
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(i: int, v: float) -> Point:
        x = left + (plot_w * i / max(len(years) - 1, 1) if len(years) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - scale(v, low, high))

    grid = []
    for tick in ticks(low, high):
        _x, y = xy(0, tick)
        grid.append(Gridline(y, Text(left - 6, y + 4, str(tick), "end")))
    lines = []
    for k, (name, vs) in enumerate(series):
        ly = top + 14 + 16 * k
        key = Key((width - right + 10, ly - 9), Text(width - right + 26, ly + 1, name[:18]))
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        # The overall score (first) is drawn thicker than the axes.
        lines.append(Line(points, colour(k), 3 if k == 0 else 1.5, "", key))
    return TrajectoryLayout(
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        grid=grid,
        years=[
            Text(xy(i, low)[0], height - 12, str(year), "middle") for i, year in enumerate(years)
        ],
        lines=lines,
    )


def trajectory(
    years: list[int],
    series: list[tuple[str, list[float | None]]],
    *,
    label: str,
) -> SafeString:
    """Lines across editions, one per series (overall, each axis)."""
    return _render("trajectory", trajectory_layout(years, series), label=label)


# Strips -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Strip:
    name: Text
    y: int
    ticks: str
    mine: float | None


@dataclass(frozen=True)
class StripsLayout:
    width: int
    height: int
    plot_left: int
    plot_right: int
    strips: list[Strip]
    colour: str


def strips_layout(
    rows: list[tuple[str, list[float], float | None]], *, low: float, high: float
) -> StripsLayout:
    """One strip per row; `Strip.ticks` is the path drawing every city's tick."""
    width, left, row_h = 640, 180, 30
    plot_w = width - left - 20
    strips = []
    for i, (name, values, mine) in enumerate(rows):
        y = 14 + i * row_h
        # Cities closer than a tenth of a pixel share one tick: same picture, lighter page.
        xs = sorted({round(left + plot_w * scale(v, low, high), 1) for v in values})
        strips.append(
            Strip(
                name=Text(left - 8, y + 5, name[:26], "end"),
                y=y,
                ticks="".join(f"M{x} {y - 7}V{y + 7}" for x in xs),
                mine=left + plot_w * scale(mine, low, high) if mine is not None else None,
            )
        )
    return StripsLayout(width, 20 + len(rows) * row_h, left, left + plot_w, strips, PALETTE[1])


def strips(
    rows: list[tuple[str, list[float], float | None]], *, label: str, low: float, high: float
) -> SafeString:
    """One strip per row: every city's score as a tick, the chosen city's as a dot."""
    return _render("strips", strips_layout(rows, low=low, high=high), label=label)


# Share bar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    label: Text | None


@dataclass(frozen=True)
class ShareBarLayout:
    width: int
    height: int
    segments: list[Segment]


def share_bar_layout(parts: list[tuple[str, float]]) -> ShareBarLayout:
    """Segments side by side, each as wide as its share; named only where the name fits."""
    width, height = 640, 34
    segments, x = [], 0.0
    for k, (name, share) in enumerate(parts):
        w = width * share
        text = Text(x + 4, 22, f"{name[:14]} {share:.0%}") if w > 50 else None
        segments.append(Segment(x, w, colour(k), text))
        x += w
    return ShareBarLayout(width, height, segments)


def share_bar(parts: list[tuple[str, float]], *, label: str) -> SafeString:
    """One stacked bar of shares (answers to a yes/no or category question)."""
    return _render("share_bar", share_bar_layout(parts), label=label)


# Line chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineChartLayout:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    top_value: int
    values: list[Text]
    periods: list[Text]
    lines: list[Line]
    # Legend marks here are short lines, from each key's swatch to this x.
    legend_line_end: int


def line_chart_layout(labels: list[str], series: list[tuple[str, list[int]]]) -> LineChartLayout:
    """Counts per period from 0 to the highest count; at most about eight period labels."""
    width, height, left, right, top, bottom = 640, 260, 40, 150, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([1, *(v for _name, values in series for v in values)])
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / top_value

    every = max(1, n // 8)
    lines = []
    for k, (name, values) in enumerate(series):
        dash = DASHES[k % len(DASHES)]
        legend_y = top + 14 + 18 * k
        key = Key((width - right + 10, legend_y), Text(width - right + 40, legend_y + 4, name))
        points = [(x(i), y(v)) for i, v in enumerate(values)]
        lines.append(Line(points, colour(k), 2, dash, key))
    return LineChartLayout(
        width=width,
        height=height,
        plot_left=left,
        plot_right=left + plot_w,
        plot_bottom=top + plot_h,
        top_value=top_value,
        values=[
            Text(left - 4, top + 4, str(top_value), "end"),
            Text(left - 4, top + plot_h + 4, "0", "end"),
        ],
        periods=[
            Text(x(i), height - bottom + 16, label, "middle")
            for i, label in enumerate(labels)
            if i % every == 0
        ],
        lines=lines,
        legend_line_end=width - right + 34,
    )


def line_chart(
    labels: list[str], series: list[tuple[str, list[int]]], *, title: str, chart_id: str
) -> SafeString:
    """Counts over periods, one line per series, told apart by colour and dash pattern."""
    return _render("line_chart", line_chart_layout(labels, series), label=title, chart_id=chart_id)


def _render(name: str, chart: object, *, label: str, chart_id: str = "") -> SafeString:
    return render_to_string(
        f"core/charts/{name}.svg",
        {
            "chart": chart,
            "view_box": view_box(chart),
            "label": label,
            "chart_id": chart_id,
            "ink": INK,
            "muted": MUTED,
            "grid": GRID,
            "paper": PAPER,
        },
    )
