"""What every forum service shares: the error people see, the log, signed unsubscribe links."""

from django.core import signing
from django.core.exceptions import PermissionDenied

from cityloom.core.errors import ServiceError
from cityloom.forum.models import Board, ModerationLog, Post, Thread

__all__ = [
    "ForumError",
    "PermissionDenied",
    "log",
    "subscription_of_token",
    "unsubscribe_token",
]

UNSUBSCRIBE_SALT = "cityloom.forum.unsubscribe"


class ForumError(ServiceError):
    """A request that must not be recorded; the message is for the person who made it."""


def log(
    action: str,
    *,
    by,
    board: Board,
    thread: Thread | None = None,
    post: Post | None = None,
    note: str = "",
) -> ModerationLog:
    """One line of the moderation log, written in the caller's transaction."""
    return ModerationLog.objects.create(
        action=action,
        by=by if by is not None and by.is_authenticated else None,
        commission_id=board.commission_id,
        board=board,
        thread=thread,
        post=post,
        note=note,
    )


def unsubscribe_token(subscription_id: int) -> str:
    """The signed token of a subscription's one-click unsubscribe link (no expiry)."""
    return signing.dumps({"s": subscription_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def subscription_of_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
