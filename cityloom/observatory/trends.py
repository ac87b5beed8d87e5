"""Counts over time: which axes and topics rise or fall across publications and practices.

Each kind of dated item comes from one function named in `ITEM_SOURCES`, which builds
`cityloom.core.trends.Item`s; the forum adds the threads of its public boards.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.core.stemming import query_stems, stems
from cityloom.core.trends import Item, start_of

from .models import Publication, WatchedTopic

BUCKETS = ("month", "quarter", "year")
# Nothing the network tracks is older; the period before the chosen one stays a valid date.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 1, 1)
MAX_DAYS = 366 * 20


class PeriodError(ValueError):
    """A period trends cannot be counted over; `field` names the input at fault, the text is
    translated for the reader."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_period(start: dt.date, end: dt.date, size: str) -> None:
    """Raise `PeriodError` unless [start, end) in steps of `size` is a period trends can count."""
    if size not in BUCKETS:
        raise PeriodError(_("The step must be month, quarter or year."), field="bucket")
    for field, day in (("start", start), ("end", end)):
        if not EARLIEST <= day <= LATEST:
            raise PeriodError(
                _("Choose dates between %(earliest)s and %(latest)s.")
                % {"earliest": date_format(EARLIEST), "latest": date_format(LATEST)},
                field=field,
            )
    if end <= start:
        raise PeriodError(_("The period must end after it starts."), field="end")
    if (end - start).days > MAX_DAYS:
        raise PeriodError(_("Choose a period of twenty years at most."), field="end")


def publication_items(start: dt.date, end: dt.date) -> list[Item]:
    rows = Publication.objects.filter(
        published_at__gte=start_of(start), published_at__lt=start_of(end)
    ).prefetch_related("tags")
    return [
        Item(
            p.published_at.date(),
            tuple(p.axes),
            tuple(t.name for t in p.tags.all()),
            p.search_text[:5000],
        )
        for p in rows
    ]


# One function per kind of dated item, `(start, end) -> list[Item]`, named by its path: each
# app reads its own rows in its own queries module and builds core's `Item`, and the
# observatory imports none of them.
ITEM_SOURCES = [
    "cityloom.observatory.trends.publication_items",
    "cityloom.practices.queries.trend_items",
    "cityloom.forum.queries.trend_items",
]


def items_between(start: dt.date, end: dt.date) -> list[Item]:
    return [item for path in ITEM_SOURCES for item in import_string(path)(start, end)]


def bucket_starts(start: dt.date, end: dt.date, size: str) -> list[dt.date]:
    """First day of each month, quarter or year that overlaps [start, end)."""
    step = {"month": 1, "quarter": 3, "year": 12}[size]
    month = ((start.month - 1) // step) * step + 1 if size != "year" else 1
    day = dt.date(start.year, month, 1)
    starts = []
    while day < end:
        starts.append(day)
        total = day.month - 1 + step
        day = dt.date(day.year + total // 12, total % 12 + 1, 1)
    return starts


def _index(starts: list[dt.date], day: dt.date) -> int:
    position = 0
    for i, s in enumerate(starts):
        if s <= day:
            position = i
    return position


def bucket_label(day: dt.date, size: str) -> str:
    if size == "year":
        return str(day.year)
    if size == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


@dataclass
class Trends:
    labels: list[str]
    axes: dict[str, list[int]]  # axis value -> count per bucket
    rising: list[tuple[str, int, int]]  # (topic, now, before)
    falling: list[tuple[str, int, int]]
    watch: dict[str, list[tuple[str, list[int], int]]]  # axis -> (topic, series, total)


def trends(start: dt.date, end: dt.date, size: str = "month") -> Trends:
    """Counts in [start, end) by bucket, and each topic against the period just before."""
    check_period(start, end, size)
    starts = bucket_starts(start, end, size)
    items = items_between(start, end)
    axes = {a.value: [0] * len(starts) for a in Axis}
    for item in items:
        for axis in item.axes:
            if axis in axes:
                axes[axis][_index(starts, item.on)] += 1

    before = items_between(start - (end - start), start)
    now_tags = Counter(t for i in items for t in i.tags)
    old_tags = Counter(t for i in before for t in i.tags)
    changes = [(t, now_tags[t], old_tags[t]) for t in set(now_tags) | set(old_tags)]
    rising = sorted((c for c in changes if c[1] > c[2]), key=lambda c: (c[2] - c[1], c[0]))
    falling = sorted((c for c in changes if c[1] < c[2]), key=lambda c: (c[1] - c[2], c[0]))

    item_stems = [(item, set(stems(item.text))) for item in items]
    watch: dict[str, list] = {}
    for topic in WatchedTopic.objects.all():
        wanted = [set(query_stems(term)) for term in topic.term_list]
        series = [0] * len(starts)
        for item, found in item_stems:
            if any(w and w <= found for w in wanted):
                series[_index(starts, item.on)] += 1
        watch.setdefault(topic.axis, []).append((topic.label, series, sum(series)))
    return Trends([bucket_label(s, size) for s in starts], axes, rising[:10], falling[:10], watch)


def default_period() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return dt.date(today.year - 2, today.month, 1), today + dt.timedelta(days=1)


def period_with_data(before: dt.date) -> tuple[dt.date, dt.date] | None:
    """The two years up to the latest item dated before `before`, or None if there is none:
    the default window when the recent one is empty, so a network's archive shows something."""
    days = [item.on for item in items_between(EARLIEST, before)]
    if not days:
        return None
    latest = max(days)
    return dt.date(latest.year - 2, latest.month, 1), latest + dt.timedelta(days=1)
