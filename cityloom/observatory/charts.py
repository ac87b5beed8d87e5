"""Line charts drawn on the server as SVG: no script, no network; a table carries the data."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# Each at least 3:1 against white (WCAG 1.4.11), told apart by dash patterns as well.
COLOURS = ["#0b5cad", "#a3211b", "#1f6f3b", "#7a4a00", "#6b2c91", "#00626b"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"]


def line_chart(
    labels: list[str], series: list[tuple[str, list[int]]], *, title: str, chart_id: str
):
    width, height, left, right, top, bottom = 640, 260, 40, 150, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([1, *(v for _name, values in series for v in values)])
    n = max(len(labels), 1)

    def x(i):
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v):
        return top + plot_h - plot_h * v / top_value

    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}-title">'
            '<title id="{}-title">{}</title>',
            width,
            height,
            chart_id,
            chart_id,
            title,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4a5568"/>',
            left,
            top + plot_h,
            left + plot_w,
            top + plot_h,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#1d2433">{}</text>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#1d2433">0</text>',
            left - 4,
            top + 4,
            top_value,
            left - 4,
            top + plot_h + 4,
        ),
    ]
    every = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#1d2433">{}</text>',
                    round(x(i), 1),
                    height - bottom + 16,
                    label,
                )
            )
    for k, (name, values) in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" points="{}"/>',
                colour,
                dash,
                points,
            )
        )
        legend_y = top + 14 + 18 * k
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" font-size="11" fill="#1d2433">{}</text>',
                width - right + 10,
                legend_y,
                width - right + 34,
                legend_y,
                colour,
                dash,
                width - right + 40,
                legend_y + 4,
                name,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


__all__ = ["escape", "line_chart"]
