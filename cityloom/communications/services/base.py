"""What every communications service shares: the error people see, and signed links."""

from django.core import signing
from django.core.exceptions import PermissionDenied

from cityloom.core.errors import ServiceError

__all__ = [
    "CommunicationsError",
    "PermissionDenied",
    "person_of_unsubscribe_token",
    "unsubscribe_token",
]

UNSUBSCRIBE_SALT = "cityloom.communications.unsubscribe"


class CommunicationsError(ServiceError):
    """A request that must not be recorded; the message is for the person who made it."""


def unsubscribe_token(person_id: int) -> str:
    """The signed token of a person's unsubscribe link (no expiry: old e-mails keep working)."""
    return signing.dumps({"p": person_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def person_of_unsubscribe_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
