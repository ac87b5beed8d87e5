"""Events as iCalendar (at the time of the event's city) and participants as CSV."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from cityloom.core import ical

from .models import Event, EventRegistration


def _uid(event: Event) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "cityloom"
    return f"event-{event.pk}@{host}"


def ical_event(event: Event) -> ical.Event:
    place = ", ".join(p for p in (event.venue, event.city.name if event.city else "") if p)
    return ical.Event(
        uid=_uid(event),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event.display_title,
        description="\n\n".join(p for p in (event.display_description, event.online_url) if p),
        location=place or event.online_url,
        url=settings.SITE_URL + event.get_absolute_url(),
        time_zone=event.zone_name,
    )


def event_calendar(event: Event, *, now: dt.datetime | None = None) -> str:
    return ical.calendar([ical_event(event)], now=now or timezone.now(), name=event.display_title)


def events_calendar(events: Iterable[Event], *, name: str, now: dt.datetime | None = None) -> str:
    return ical.calendar([ical_event(e) for e in events], now=now or timezone.now(), name=str(name))


HEADER = ["status", "name", "email", "city", "country", "position", "registered_at"]


def write_participants(writer, registrations: Iterable[EventRegistration]) -> None:
    writer.writerow(HEADER)
    for r in registrations:
        person = r.person
        writer.writerow(
            [
                r.status,
                _safe(person.name),
                person.email,
                _safe(person.city.name if person.city else ""),
                _safe(person.city.country_name if person.city else ""),
                _safe(person.position),
                r.created_at.isoformat(),
            ]
        )


def _safe(value: str) -> str:
    # A cell starting like a formula would run in a spreadsheet: quote it as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
