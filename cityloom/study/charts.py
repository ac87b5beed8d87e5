"""Charts drawn on the server as inline SVG: no script, no network, each with a data table beside it."""

import math

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0b5cad", "#a3211b", "#1f6f3b", "#6b3fa0", "#8a5a00", "#00707a")
INK, MUTED, LINE = "#1d2433", "#4a5568", "#d5dbe5"


def _svg(width: int, height: int, label: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _scale(value: float, low: float, high: float) -> float:
    if high == low:
        return 0.5
    return min(1.0, max(0.0, (value - low) / (high - low)))


def radar(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    label: str,
    low: float = 0.0,
    high: float = 100.0,
) -> SafeString:
    """A radar (spider) chart: one spoke per axis, one polygon per series (city, average…)."""
    size, cx, cy, r = 420, 210, 200, 130
    n = max(len(labels), 3)
    body = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        points = " ".join(
            f"{cx + r * ring * math.sin(2 * math.pi * i / n):.1f},"
            f"{cy - r * ring * math.cos(2 * math.pi * i / n):.1f}"
            for i in range(n)
        )
        body.append(f'<polygon points="{points}" fill="none" stroke="{LINE}"/>')
    for i, text in enumerate(labels):
        angle = 2 * math.pi * i / n
        x, y = cx + r * math.sin(angle), cy - r * math.cos(angle)
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{LINE}"/>')
        lx, ly = cx + (r + 18) * math.sin(angle), cy - (r + 18) * math.cos(angle)
        anchor = (
            "middle" if abs(math.sin(angle)) < 0.3 else ("start" if math.sin(angle) > 0 else "end")
        )
        body.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="12" fill="{INK}" '
            f'text-anchor="{anchor}">{escape(text[:28])}</text>'
        )
    for k, (_name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = []
        for i, v in enumerate(values):
            s = _scale(v if v is not None else low, low, high)
            angle = 2 * math.pi * i / n
            points.append(f"{cx + r * s * math.sin(angle):.1f},{cy - r * s * math.cos(angle):.1f}")
        dash = ' stroke-dasharray="5 3"' if k else ""
        opacity = "0.18" if k == 0 else "0"
        body.append(
            f'<polygon points="{" ".join(points)}" fill="{colour}" fill-opacity="{opacity}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
    for k, (name, _values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        y = size - 40 + 16 * k
        body.append(f'<rect x="10" y="{y - 9}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="28" y="{y + 1}" font-size="12" fill="{INK}">{escape(name)}</text>')
    return _svg(size, size + 10 * len(series), label, body)


def bars(
    rows: list[tuple[str, float | None]], *, label: str, low: float = 0.0, high: float = 100.0
) -> SafeString:
    """Horizontal bars, one per row (e.g. the factors of an axis)."""
    width, left, bar_h = 640, 260, 18
    height = 12 + len(rows) * (bar_h + 8)
    body = []
    for i, (name, value) in enumerate(rows):
        y = 8 + i * (bar_h + 8)
        body.append(
            f'<text x="{left - 8}" y="{y + 13}" font-size="12" fill="{INK}" '
            f'text-anchor="end">{escape(name[:40])}</text>'
        )
        if value is None:
            body.append(f'<text x="{left + 4}" y="{y + 13}" font-size="12" fill="{MUTED}">—</text>')
            continue
        w = (width - left - 60) * _scale(value, low, high)
        body.append(
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
        )
        body.append(
            f'<text x="{left + w + 6:.1f}" y="{y + 13}" font-size="12" fill="{INK}">{value:.1f}</text>'
        )
    return _svg(width, height, label, body)


def trajectory(
    years: list[int],
    series: list[tuple[str, list[float | None]]],
    *,
    label: str,
) -> SafeString:
    """Lines across editions, one per series (overall, each axis)."""
    width, height, left, right, top, bottom = 640, 280, 50, 150, 16, 36
    values = [v for _n, vs in series for v in vs if v is not None]
    low = math.floor(min([*values, 0.0]) / 10) * 10
    high = math.ceil(max([*values, 100.0]) / 10) * 10
    body = []
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * i / max(len(years) - 1, 1) if len(years) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - _scale(v, low, high))

    for tick in range(int(low), int(high) + 1, max(int((high - low) / 4), 1)):
        _x, y = xy(0, tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{LINE}"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="{MUTED}" text-anchor="end">{tick}</text>'
        )
    for i, year in enumerate(years):
        x, _y = xy(i, low)
        body.append(
            f'<text x="{x:.1f}" y="{height - 12}" font-size="12" fill="{INK}" text-anchor="middle">{year}</text>'
        )
    for k, (name, vs) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            width_attr = 3 if k == 0 else 1.5
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{width_attr}"/>'
            )
        for x, y in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = top + 14 + 16 * k
        body.append(
            f'<rect x="{width - right + 10}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{width - right + 26}" y="{ly + 1}" font-size="12" fill="{INK}">{escape(name[:18])}</text>'
        )
    return _svg(width, height, label, body)


def strips(
    rows: list[tuple[str, list[float], float | None]], *, label: str, low: float, high: float
) -> SafeString:
    """One strip per row: every city's score as a tick, the chosen city's as a dot."""
    width, left, row_h = 640, 180, 30
    height = 20 + len(rows) * row_h
    body = []
    plot_w = width - left - 20
    for i, (name, values, mine) in enumerate(rows):
        y = 14 + i * row_h
        body.append(
            f'<text x="{left - 8}" y="{y + 5}" font-size="12" fill="{INK}" text-anchor="end">{escape(name[:26])}</text>'
        )
        body.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="{LINE}"/>')
        # Cities closer than a tenth of a pixel share one tick: same picture, lighter page.
        xs = sorted({round(left + plot_w * _scale(v, low, high), 1) for v in values})
        ticks = f'<path d="{"".join(f"M{x} {y - 7}V{y + 7}" for x in xs)}" stroke="{MUTED}" stroke-opacity="0.5"/>'

        body.append(ticks)
        if mine is not None:
            body.append(
                f'<circle cx="{left + plot_w * _scale(mine, low, high):.1f}" cy="{y}" r="6" fill="{PALETTE[1]}"/>'
            )
    return _svg(width, height, label, body)


def share_bar(parts: list[tuple[str, float]], *, label: str) -> SafeString:
    """One stacked bar of shares (answers to a yes/no or category question)."""
    width, height = 640, 34
    body, x = [], 0.0
    for k, (name, share) in enumerate(parts):
        w = width * share
        colour = PALETTE[k % len(PALETTE)]
        body.append(
            format_html(
                '<rect x="{}" y="4" width="{}" height="26" fill="{}"/>',
                f"{x:.1f}",
                f"{w:.1f}",
                colour,
            )
        )
        if w > 50:
            body.append(
                format_html(
                    '<text x="{}" y="22" font-size="12" fill="#ffffff">{} {}</text>',
                    f"{x + 4:.1f}",
                    name[:14],
                    f"{share:.0%}",
                )
            )
        x += w
    return _svg(width, height, label, [str(b) for b in body])
