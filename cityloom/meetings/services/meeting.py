"""Creating a meeting with its rooms and time slots."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cityloom.meetings import permissions
from cityloom.meetings.models import Meeting, Room, Slot
from cityloom.network.models import City, Commission

from .base import MeetingError, PermissionDenied, record


def _unique_slug(title: str, starts_on: dt.date) -> str:
    base = slugify(f"{title} {starts_on.year}")[:40] or "meeting"
    slug, n = base, 1
    while Meeting.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_meeting(
    *,
    by,
    commission: Commission,
    title: str,
    axis: str,
    title_fr: str = "",
    title_es: str = "",
    starts_on: dt.date,
    ends_on: dt.date,
    registration_opens_at: dt.datetime,
    registration_closes_at: dt.datetime,
    capacity: int,
    languages: Sequence[str],
    rooms: Sequence[tuple[str, int, str]],
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
    host_city: City | None = None,
    time_zone: str = "UTC",
    venue: str = "",
    online_url: str = "",
    description: str = "",
    status: str = Meeting.Status.OPEN,
) -> Meeting:
    """Create a meeting, its rooms (name, seats, interpretation) and its slots (start, end)."""
    if not permissions.secretariat_commissions(by).filter(pk=commission.pk).exists():
        raise PermissionDenied
    if ends_on < starts_on:
        raise MeetingError(_("The meeting cannot end before it starts."), code="dates")
    if registration_closes_at <= registration_opens_at:
        raise MeetingError(_("Registration must close after it opens."), code="registration_window")
    if not rooms or not slots:
        raise MeetingError(
            _("A meeting needs at least one room and one time slot."), code="no_grid"
        )
    names = [name for name, _seats, _interpretation in rooms]
    if len(set(names)) != len(names):
        raise MeetingError(_("Two rooms have the same name."), code="room_names")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            commission=commission,
            slug=_unique_slug(title, starts_on),
            title=title,
            title_fr=title_fr,
            title_es=title_es,
            axis=axis,
            description=description,
            host_city=host_city,
            starts_on=starts_on,
            ends_on=ends_on,
            time_zone=time_zone,
            venue=venue,
            online_url=online_url,
            languages=list(languages),
            registration_opens_at=registration_opens_at,
            registration_closes_at=registration_closes_at,
            capacity=capacity,
            status=status,
        )
        Room.objects.bulk_create(
            Room(meeting=meeting, name=name, capacity=seats, interpretation=interp, position=i)
            for i, (name, seats, interp) in enumerate(rooms)
        )
        Slot.objects.bulk_create(
            Slot(meeting=meeting, starts_at=start, ends_at=end) for start, end in slots
        )
        record("meeting.created", meeting, actor=by)
    return meeting
