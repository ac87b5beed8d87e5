"""What every meeting service shares: the error users see, and e-mail helpers."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import formats, translation

from cityloom.core.errors import ServiceError
from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.meetings.models import Meeting

__all__ = ["MeetingError", "PermissionDenied", "mail_person", "record"]


class MeetingError(ServiceError):
    """A request that must not be recorded; the message is for the person who made it."""


def _meeting_context(meeting: Meeting) -> dict[str, str]:
    """Facts about the meeting, in the active language, as plain strings for the task queue."""
    return {
        "meeting": meeting.display_title,
        "dates": formats.date_format(meeting.starts_on, "DATE_FORMAT")
        + (
            " \u2013 " + formats.date_format(meeting.ends_on, "DATE_FORMAT")
            if meeting.ends_on != meeting.starts_on
            else ""
        ),
        "place": ", ".join(
            part
            for part in (meeting.venue, meeting.host_city.name if meeting.host_city else "")
            if part
        ),
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "ics_url": settings.SITE_URL + reverse("meetings:meeting-ics", args=[meeting.slug]),
        "grid_url": settings.SITE_URL + reverse("meetings:grid", args=[meeting.slug]),
    }


def mail_person(person, meeting: Meeting, template: str, **extra: str) -> None:
    """Queue `meetings/email/<template>` to `person`, in their language, after commit."""
    with translation.override(person.language):
        context = {"name": str(person), **_meeting_context(meeting), **extra}
    queue_mail(
        to=person.email,
        template=f"meetings/email/{template}",
        context=context,
        language=person.language,
    )
