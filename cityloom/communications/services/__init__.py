"""Writes of communications: each public function is one transaction, called by every entry point."""

from cityloom.communications.audiences import AudienceKind
from cityloom.communications.audiences import register as register_audience

from .base import CommunicationsError, person_of_unsubscribe_token, unsubscribe_token
from .circulars import (
    ATTACHMENTS,
    assign_number,
    create_circular,
    send_circular,
    update_circular,
)
from .delivery import deliver_circular, resume_circulars, unfinished_circulars
from .events import (
    calendar_token_of,
    cancel_event_registration,
    register_for_event,
    renew_calendar_token,
)
from .news import DOCUMENTS, NEWS_IMAGES
from .preferences import set_optional_mail

__all__ = [
    "ATTACHMENTS",
    "DOCUMENTS",
    "NEWS_IMAGES",
    "AudienceKind",
    "CommunicationsError",
    "assign_number",
    "calendar_token_of",
    "cancel_event_registration",
    "create_circular",
    "deliver_circular",
    "person_of_unsubscribe_token",
    "register_audience",
    "register_for_event",
    "renew_calendar_token",
    "resume_circulars",
    "send_circular",
    "set_optional_mail",
    "unfinished_circulars",
    "unsubscribe_token",
    "update_circular",
]
