"""The published grid for other software: iCalendar files and the frab-style schedule.json."""

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone

from cityloom.core import ical

from . import queries
from .models import Meeting, Topic

# Stable GUIDs: the same session keeps its id across exports, as schedule apps expect.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "cityloom.meetings")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _place(meeting: Meeting) -> str:
    parts = [meeting.venue, meeting.host_city.name if meeting.host_city else ""]
    return ", ".join(p for p in parts if p) or meeting.online_url


def meeting_calendar(meeting: Meeting, *, now: dt.datetime | None = None) -> str:
    """The whole meeting as one all-days event, from its first slot to its last."""
    slots = list(meeting.slots.all())
    if slots:
        start, end = slots[0].starts_at, max(s.ends_at for s in slots)
    else:
        tz = meeting.tzinfo
        start = dt.datetime.combine(meeting.starts_on, dt.time(9), tz)
        end = dt.datetime.combine(meeting.ends_on, dt.time(18), tz)
    event = ical.Event(
        uid=f"meeting-{meeting.pk}@cityloom",
        starts_at=start,
        ends_at=end,
        summary=meeting.display_title,
        description=meeting.description,
        location=_place(meeting),
        url=_absolute(meeting.get_absolute_url()),
    )
    return ical.calendar([event], now=now or timezone.now(), name=meeting.display_title)


def session_event(meeting: Meeting, session: Topic) -> ical.Event:
    return ical.Event(
        uid=f"session-{session.pk}@cityloom",
        starts_at=session.cell_slot.starts_at,
        ends_at=session.cell_slot.ends_at,
        summary=session.title,
        description=session.description,
        location=", ".join(p for p in (session.cell_room.name, _place(meeting)) if p),
        url=_absolute(session.get_absolute_url()),
    )


def session_calendar(meeting: Meeting, session: Topic, *, now: dt.datetime | None = None) -> str:
    return ical.calendar(
        [session_event(meeting, session)], now=now or timezone.now(), name=session.title
    )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def frab_schedule(meeting: Meeting) -> dict:
    """The published grid in the frab/pretalx `schedule.json` layout read by schedule apps."""
    tz = meeting.tzinfo
    grid = queries.grid(meeting)
    days: dict[dt.date, dict[str, list]] = {}
    day = meeting.starts_on
    while day <= meeting.ends_on:
        days[day] = {room.name: [] for room in grid.rooms}
        day += dt.timedelta(days=1)
    for session in grid.sessions:
        start = timezone.localtime(session.cell_slot.starts_at, tz)
        rooms = days.setdefault(start.date(), {room.name: [] for room in grid.rooms})
        url = _absolute(session.get_absolute_url())
        rooms[session.cell_room.name].append(
            {
                "guid": str(uuid.uuid5(GUID_NAMESPACE, f"session-{session.pk}")),
                "id": session.pk,
                "date": start.isoformat(),
                "start": start.strftime("%H:%M"),
                "duration": _hhmm(session.cell_slot.minutes),
                "room": session.cell_room.name,
                "slug": f"{meeting.slug}-{session.pk}",
                "url": url,
                "title": session.title,
                "subtitle": "",
                "track": session.get_axis_display(),
                "type": "BarCamp session",
                "language": session.language,
                "abstract": session.description,
                "description": session.experiences,
                "recording_license": "",
                "do_not_record": True,
                "persons": [
                    {
                        "id": session.proposer.pk,
                        "guid": str(uuid.uuid5(GUID_NAMESPACE, f"person-{session.proposer.pk}")),
                        "public_name": str(session.proposer),
                    }
                ],
                "links": [],
                "attachments": [],
            }
        )
    day_list = []
    for index, (date, rooms) in enumerate(sorted(days.items()), start=1):
        day_start = dt.datetime.combine(date, dt.time(0), tz)
        day_list.append(
            {
                "index": index,
                "date": date.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": (day_start + dt.timedelta(days=1)).isoformat(),
                "rooms": rooms,
            }
        )
    durations = {s.minutes for s in meeting.slots.all()}
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "cityloom"},
        "schedule": {
            "version": meeting.published_at.isoformat() if meeting.published_at else "draft",
            "base_url": _absolute("/"),
            "conference": {
                "acronym": meeting.slug,
                "title": meeting.display_title,
                "start": meeting.starts_on.isoformat(),
                "end": meeting.ends_on.isoformat(),
                "daysCount": len(day_list),
                "timeslot_duration": _hhmm(min(durations) if durations else 60),
                "time_zone_name": meeting.time_zone,
                "url": _absolute(meeting.get_absolute_url()),
                "rooms": [
                    {
                        "name": room.name,
                        "guid": str(uuid.uuid5(GUID_NAMESPACE, f"room-{room.pk}")),
                        "capacity": room.capacity,
                    }
                    for room in grid.rooms
                ],
                "tracks": [
                    {"name": name}
                    for name in sorted({str(e.get_axis_display()) for e in grid.sessions})
                ],
                "days": day_list,
            },
        },
    }
