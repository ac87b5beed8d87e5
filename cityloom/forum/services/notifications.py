"""Subscriptions and the e-mails they bring: at once, or in a daily digest, never twice.

Each (person, post) has at most one `Notification` row (a unique constraint): a person
subscribed to the board and the thread, and mentioned too, hears of the post once. An
immediate notification queues its e-mail in the transaction that writes the post, with the
key `forum:post:<post>:<person>`. A digest takes a person's waiting notifications, queues one
e-mail keyed by the ids it covers and marks them mailed, all in one transaction per person:
running the digest twice, or a worker dying mid-batch, never mails a post twice (the people not
reached are taken by the next run).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityloom.core.i18n import translated
from cityloom.core.mail import queue_mail
from cityloom.forum import permissions, queries
from cityloom.forum.models import Board, Notification, Post, Subscription, Thread

from .base import ForumError, PermissionDenied, subscription_of_token, unsubscribe_token

EXCERPT = 600


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _post_context(post: Post, thread: Thread, board: Board) -> dict[str, str]:
    """Facts about the post in the active language, as plain strings for the task queue."""
    author = post.author
    return {
        "board": translated(board, "title"),
        "thread": thread.title,
        "author": str(author) if author else _("someone"),
        "city": author.city.name if author and author.city_id else "",
        "excerpt": _excerpt(post.body),
        "post_url": settings.SITE_URL + post.get_absolute_url(),
    }


def _unsubscribe_url(subscription: Subscription | None) -> str:
    if subscription is None:
        return ""
    return settings.SITE_URL + reverse(
        "forum:unsubscribe", args=[unsubscribe_token(subscription.pk)]
    )


def _mail_now(person, post: Post, thread: Thread, board: Board, notification) -> None:
    with translation.override(person.language):
        context = {
            "name": str(person),
            **_post_context(post, thread, board),
            "unsubscribe_url": _unsubscribe_url(notification.subscription),
        }
    template = "mention" if notification.reason == Notification.Reason.MENTION else "post"
    queue_mail(
        to=person.email,
        template=f"forum/email/{template}",
        context=context,
        language=person.language,
        key=f"forum:post:{post.pk}:{person.pk}",
    )
    Notification.objects.filter(pk=notification.pk).update(mailed_at=timezone.now())


def _notify_once(person, post: Post, **fields) -> Notification | None:
    """The person's notification of the post, unless they already have one."""
    if Notification.objects.filter(person=person, post=post).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(person=person, post=post, **fields)
    except IntegrityError:  # told by a concurrent call
        return None


def notify(
    post: Post, *, thread: Thread, board: Board, mentioned=(), subscribers: bool = True
) -> int:
    """Tell the people mentioned (at once) and the subscribers (at once or in their digest);
    never the author, never someone who may no longer read the board. Returns how many."""
    told = 0
    author_id = post.author_id
    for person in mentioned:
        if person.pk == author_id:
            continue
        notification = _notify_once(
            person, post, reason=Notification.Reason.MENTION, mode=Subscription.Mode.IMMEDIATE
        )
        if notification:
            _mail_now(person, post, thread, board, notification)
            told += 1
    if not subscribers:
        return told
    for subscription in queries.subscribers(board, thread):
        person = subscription.person
        if person.pk == author_id or not person.is_active:
            continue
        if not permissions.can_read_board(person, board):
            continue
        notification = _notify_once(
            person,
            post,
            reason=Notification.Reason.SUBSCRIPTION,
            mode=subscription.mode,
            subscription=subscription,
        )
        if notification is None:
            continue
        told += 1
        if subscription.mode == Subscription.Mode.IMMEDIATE:
            _mail_now(person, post, thread, board, notification)
    return told


@transaction.atomic
def subscribe(
    person, *, board: Board | None = None, thread: Thread | None = None, mode: str = ""
) -> Subscription | None:
    """Follow a board or a thread (`mode` immediate or digest), or stop (`mode` empty)."""
    target_board = board if board is not None else thread.board
    if not permissions.can_subscribe(person, target_board):
        raise PermissionDenied
    if mode and mode not in Subscription.Mode.values:
        raise ForumError(_("Choose how you want to hear of new posts."))
    target = {"board": board} if board is not None else {"thread": thread}
    if not mode:
        Subscription.objects.filter(person=person, **target).delete()
        return None
    subscription, _created = Subscription.objects.update_or_create(
        person=person, **target, defaults={"mode": mode}
    )
    return subscription


@transaction.atomic
def unsubscribe(token: str) -> Subscription | None:
    """One-click unsubscribe from an e-mail: the signed token names the subscription."""
    pk = subscription_of_token(token)
    if pk is None:
        raise ForumError(_("This unsubscribe link is not valid."))
    subscription = queries.subscription_by_pk(pk)
    if subscription is not None:
        Subscription.objects.filter(pk=pk).delete()
    return subscription


def send_digests(*, now=None) -> int:
    """One digest e-mail per person with waiting notifications; returns how many were queued.

    Each person is one transaction: the e-mail row and the notifications marked mailed land
    together, so a second run (or a run after a crash) finds nothing to send twice.
    """
    queued = 0
    for person_id in queries.digest_people():
        if _send_digest(person_id, now=now or timezone.now()):
            queued += 1
    return queued


@transaction.atomic
def _send_digest(person_id: int, *, now) -> bool:
    waiting = list(
        # Only the notification rows are locked: PostgreSQL refuses FOR UPDATE on the nullable
        # side of the outer joins select_related adds (a post's author, its subscription).
        Notification.objects.select_for_update(of=("self",))
        .filter(person_id=person_id, mode=Subscription.Mode.DIGEST, mailed_at__isnull=True)
        .select_related("post__thread__board", "post__author__city", "person", "subscription")
        .order_by("id")
    )
    if not waiting:
        return False
    person = waiting[0].person
    readable = [
        n
        for n in waiting
        if not n.post.is_hidden and permissions.can_read_board(person, n.post.thread.board)
    ]
    ids = [n.pk for n in waiting]
    Notification.objects.filter(pk__in=ids).update(mailed_at=now)
    if not readable or not person.is_active:
        return False
    with translation.override(person.language):
        posts = "\n\n".join(
            "\n".join(
                [
                    f"— {c['board']}: {c['thread']}",
                    "  " + _("by %(author)s") % {"author": c["author"]},
                    f"  {c['excerpt']}",
                    f"  {c['post_url']}",
                ]
            )
            for c in (_post_context(n.post, n.post.thread, n.post.thread.board) for n in readable)
        )
        unsubscribe_urls = "\n".join(
            sorted({_unsubscribe_url(n.subscription) for n in readable if n.subscription_id})
        )
    # Plain strings only: the context waits in the outbox and is rendered as plain text.
    queue_mail(
        to=person.email,
        template="forum/email/digest",
        context={
            "name": str(person),
            "posts": posts,
            "count": len(readable),
            "unsubscribe_urls": unsubscribe_urls,
        },
        language=person.language,
        key=f"forum:digest:{person_id}:{ids[0]}-{ids[-1]}:{len(ids)}",
    )
    return True
