"""iCalendar (RFC 5545) documents, written by hand: the format is small and fully specified.

CRLF line endings, content lines folded at 75 octets (never inside a UTF-8 sequence),
TEXT values escaped. Times are in UTC, or, for an event that names its time zone, at the
local time of that zone with a VTIMEZONE describing it (an event in Bilbao stays at 10:00
in Bilbao whatever the reader's zone or a later change of the rules): the VTIMEZONE lists
the zone's real transitions over the years the events span, read from the system's tz data.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Cityloom//Working meetings//EN"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    time_zone: str = ""  # an IANA name: times written at that zone's local time


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 §3.3.11: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Split a content line into 75-octet pieces joined by CRLF + space (§3.1)."""
    pieces, current, size = [], [], 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 1  # the continuation line starts with one space
            limit = 75
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name or name.upper() == "UTC":
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _transitions(zone: zoneinfo.ZoneInfo, year: int) -> list[dt.datetime]:
    """The UTC instants in `year` at which the zone's offset changes (to the minute)."""
    found = []
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(hours=6)
    moment = start
    while moment.year == year:
        after = moment + step
        if moment.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = moment, after
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if low.astimezone(zone).utcoffset() == middle.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        moment = after
    return found


def _timezone_lines(name: str, zone: zoneinfo.ZoneInfo, years: set[int]) -> list[str]:
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}", f"X-LIC-LOCATION:{name}"]
    first = dt.datetime(min(years), 1, 1, tzinfo=dt.UTC)
    changes = [first] + [t for year in sorted(years) for t in _transitions(zone, year)]
    for index, moment in enumerate(changes):
        before = (moment - dt.timedelta(minutes=1)).astimezone(zone)
        after = moment.astimezone(zone)
        if index == 0:
            before = after
        kind = "DAYLIGHT" if after.dst() else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            # DTSTART of a transition is the local time before it (RFC 5545 §3.6.5).
            f"DTSTART:{(moment + before.utcoffset()).strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset(before.utcoffset())}",
            f"TZOFFSETTO:{_offset(after.utcoffset())}",
        ]
        if after.tzname():
            lines.append(f"TZNAME:{escape_text(after.tzname())}")
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return lines


def _moment(name: str, moment: dt.datetime, zone: zoneinfo.ZoneInfo | None) -> str:
    if zone is None:
        return f"{name}:{utc(moment)}"
    local = moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")
    return f"{name};TZID={zone.key}:{local}"


def calendar(events: Iterable[Event], *, now: dt.datetime, name: str = "") -> str:
    """A VCALENDAR holding `events`; `now` is the DTSTAMP of each event."""
    events = list(events)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    years: dict[str, set[int]] = {}
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    for event in events:
        zone = _zone(event.time_zone)
        if zone is not None:
            zones[zone.key] = zone
            span = range(event.starts_at.year, event.ends_at.year + 1)
            years.setdefault(zone.key, set()).update(span)
    for key, zone in sorted(zones.items()):
        lines += _timezone_lines(key, zone, years[key])
    for event in events:
        zone = _zone(event.time_zone)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(now)}",
            _moment("DTSTART", event.starts_at, zone),
            _moment("DTEND", event.ends_at, zone),
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
