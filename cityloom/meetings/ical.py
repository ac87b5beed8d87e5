"""Moved to cityloom.core.ical (events of the communications app use it too)."""

from cityloom.core.ical import PRODID, Event, calendar, escape_text, fold_line, utc

__all__ = ["PRODID", "Event", "calendar", "escape_text", "fold_line", "utc"]
