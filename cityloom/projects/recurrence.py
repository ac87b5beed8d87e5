"""Dates of recurring activities and relative deadlines, by python-dateutil only.

Rules are iterated on the wall clock of the activity's city, then each local time is made aware
in that city's zone: an exchange at 10:00 in Bordeaux stays at 10:00 across daylight saving.
"""

import datetime as dt
import zoneinfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

# A rule without COUNT or UNTIL is materialised this far ahead of its first occurrence.
HORIZON = relativedelta(years=3)
MAX_OCCURRENCES = 500


class RuleError(ValueError):
    """The text is not an iCalendar RRULE dateutil understands."""


def every_n_months(n: int, *, day: int, count: int | None = None) -> str:
    """The RRULE of "every `n` months" on day `day` of the month.

    RFC 5545 skips the months that lack the day (from 31 January, no February); a city that meets
    "on the 31st" means the month's end, so days past the 28th take the last of 28..`day`
    the month has (31 Jan, 28 or 29 Feb, 31 Mar, 30 Apr).
    """
    if n < 1 or not 1 <= day <= 31:
        raise RuleError(f"every {n} months on day {day}")
    rule = f"FREQ=MONTHLY;INTERVAL={n}"
    if day > 28:
        rule += ";BYMONTHDAY=" + ",".join(str(d) for d in range(28, day + 1)) + ";BYSETPOS=-1"
    return rule + (f";COUNT={count}" if count else "")


def parse(rule: str, *, first: dt.datetime):
    """The dateutil rule of `rule` (an RRULE body, with or without "RRULE:") from `first`."""
    body = rule.strip().removeprefix("RRULE:")
    if not body or "\n" in body or "DTSTART" in body.upper():
        raise RuleError(rule)
    try:
        return rrulestr(body, dtstart=first)
    except (ValueError, TypeError) as exc:
        raise RuleError(rule) from exc


def local_starts(
    rule: str, *, first_on: dt.date, at: dt.time, since: dt.date | None = None
) -> list[dt.datetime]:
    """The naive local start times of the rule from `since` (inclusive): all of them for a rule
    that ends (COUNT or UNTIL), else those within `HORIZON` of the first; `MAX_OCCURRENCES` at
    most either way."""
    first = dt.datetime.combine(first_on, at)
    recurrence = parse(rule, first=first)
    start = dt.datetime.combine(since, dt.time.min) if since else first
    body = rule.upper()
    ends = "COUNT=" in body or "UNTIL=" in body
    end = None if ends else first + HORIZON
    times = []
    for moment in recurrence.xafter(start, inc=True):
        if (end is not None and moment > end) or len(times) == MAX_OCCURRENCES:
            break
        times.append(moment)
    return times


def aware(local: dt.datetime, time_zone: str) -> dt.datetime:
    return local.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))


def months_after(start: dt.date, months: int) -> dt.date:
    """`start` + `months`, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    return start + relativedelta(months=months)
