"""Writing: threads, replies, edits (each keeps the previous text), mentions and attachments."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core import ratelimit, uploads
from cityloom.core.text import fold, render_markdown
from cityloom.forum import permissions, queries
from cityloom.forum.models import Board, Mention, Post, PostVersion, Thread
from cityloom.network import queries as network_queries

from .base import ForumError, PermissionDenied
from .notifications import notify

ATTACHMENTS = uploads.Policy(types=uploads.OFFICE_AND_IMAGES, max_bytes=10 * 1024 * 1024)
# Against flooding: every post of one account counts, whatever the board.
POSTING_RATE = ratelimit.Rate(limit=10, period=5 * 60)
MAX_BODY = 20_000

# `@Bordeaux`, `@San Sebastián`, `@Jon Urrutia`: up to four words after the sign; the longest
# run that names a member city or a person wins.
_MENTION = re.compile(r"(?<![\w@])@([^\W\d_][\w'\u2019-]*(?:[ \t]+[^\W\d_][\w'\u2019-]*){0,3})")


def _check_rate(person) -> None:
    if not ratelimit.consume("forum-post", str(person.pk), POSTING_RATE):
        raise ForumError(
            _("You are posting too fast. Please wait a few minutes before posting again."),
            code="rate_limited",
        )


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ForumError(_("Write a message."), field="body")
    if len(body) > MAX_BODY:
        raise ForumError(
            _("The message is too long (%(n)d characters at most).") % {"n": MAX_BODY},
            field="body",
        )
    return body


def _check_attachment(attachment):
    if not attachment:
        return None
    try:
        return uploads.check(attachment, ATTACHMENTS)
    except ValidationError as exc:
        raise ForumError(exc.messages[0], field="attachment") from exc


def _store_attachment(post: Post, attachment, checked) -> None:
    uploads.store(post.attachment, attachment, checked)
    post.attachment_name = checked.original_name
    post.attachment_type = checked.content_type
    post.attachment_size = checked.size


def mentions_in(text: str, board: Board) -> tuple[list, list]:
    """(cities, people) named with `@` in `text`: the commission's member cities, and people
    who may read the board. Longest names first (`@San Sebastián` is not `@San`)."""
    runs = [m.group(1).split() for m in _MENTION.finditer(text)]
    if not runs:
        return [], []
    cities = {fold(c.name): c for c in network_queries.active_member_cities([board.commission_id])}
    candidates = {" ".join(words[:n]) for words in runs for n in range(1, len(words) + 1)}
    User = get_user_model()
    people_by_name: dict[str, object] = {}
    for person in User.objects.filter(name__in=candidates, is_active=True).select_related("city"):
        people_by_name.setdefault(fold(person.name), person)
    found_cities, found_people = {}, {}
    for words in runs:
        for n in range(len(words), 0, -1):
            name = fold(" ".join(words[:n]))
            if name in cities:
                found_cities[cities[name].pk] = cities[name]
                break
            if name in people_by_name:
                person = people_by_name[name]
                if permissions.can_read_board(person, board):
                    found_people[person.pk] = person
                break
    return list(found_cities.values()), list(found_people.values())


def _record_mentions(post: Post, board: Board) -> list:
    """Store the post's mentions; the people to tell (city focal points who may read it)."""
    cities, people = mentions_in(post.body, board)
    Mention.objects.bulk_create(
        [Mention(post=post, city=c) for c in cities]
        + [Mention(post=post, person=p) for p in people]
    )
    told = {p.pk: p for p in people}
    for city in cities:
        for person in network_queries.city_focal_points(city):
            if person.pk not in told and permissions.can_read_board(person, board):
                told[person.pk] = person
    return list(told.values())


def _quoted(thread: Thread, quote_id: int | None) -> Post | None:
    if not quote_id:
        return None
    quoted = Post.objects.filter(pk=quote_id, thread=thread, is_hidden=False).first()
    if quoted is None:  # a post of another thread, hidden, or made up
        raise ForumError(_("The quoted message is not in this thread."))
    return quoted


def _index(post: Post, thread: Thread) -> None:
    queries.SEARCH.index(queries.post_document(post, thread.title))


@transaction.atomic
def start_thread(
    board: Board,
    *,
    by,
    title: str,
    body: str,
    language: str = "",
    attachment=None,
    at=None,
) -> Thread:
    """A new thread with its opening post; subscribers of the board and people mentioned hear."""
    if not permissions.can_post(by, board):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ForumError(_("Give the thread a title."), field="title")
    body = _check_body(body)
    checked = _check_attachment(attachment)
    _check_rate(by)
    at = at or timezone.now()
    language = language or by.language
    thread = Thread.objects.create(
        board=board,
        title=title[:200],
        author=by,
        language=language,
        created_at=at,
        last_post_at=at,
        next_position=1,
    )
    post = Post(
        thread=thread, position=0, author=by, body=body, html=render_markdown(body),
        language=language, created_at=at,
    )  # fmt: skip
    if checked:
        _store_attachment(post, attachment, checked)
    post.save()
    Board.objects.filter(pk=board.pk).update(thread_count=F("thread_count") + 1, last_post_at=at)
    _index(post, thread)
    mentioned = _record_mentions(post, board)
    notify(post, thread=thread, board=board, mentioned=mentioned)
    return thread


@transaction.atomic
def reply(
    thread: Thread,
    *,
    by,
    body: str,
    language: str = "",
    quote: int | None = None,
    attachment=None,
    at=None,
) -> Post:
    """A reply at the end of the thread; refused on a locked thread (but to the secretariat)."""
    board = thread.board
    if not permissions.can_reply(by, thread):
        if thread.is_locked and permissions.can_post(by, board):
            raise ForumError(_("This thread is locked: no new replies."))
        raise PermissionDenied
    body = _check_body(body)
    quoted = _quoted(thread, quote)
    checked = _check_attachment(attachment)
    _check_rate(by)
    at = at or timezone.now()
    # The update takes the thread's row lock: concurrent replies get consecutive positions.
    Thread.objects.filter(pk=thread.pk).update(
        next_position=F("next_position") + 1,
        reply_count=F("reply_count") + 1,
        last_post_at=at,
    )
    position = Thread.objects.values_list("next_position", flat=True).get(pk=thread.pk) - 1
    post = Post(
        thread=thread,
        position=position,
        author=by,
        body=body,
        html=render_markdown(body),
        language=language or by.language,
        quoted=quoted,
        created_at=at,
    )
    if checked:
        _store_attachment(post, attachment, checked)
    post.save()
    Board.objects.filter(pk=board.pk).update(last_post_at=at)
    _index(post, thread)
    mentioned = _record_mentions(post, board)
    notify(post, thread=thread, board=board, mentioned=mentioned)
    return post


@transaction.atomic
def edit_post(post: Post, *, by, body: str, title: str = "") -> Post:
    """The author edits; the previous text is kept as a version. New mentions are told."""
    if not permissions.can_edit_post(by, post):
        raise PermissionDenied
    body = _check_body(body)
    thread = post.thread
    if post.is_opening and title.strip() and title.strip() != thread.title:
        thread.title = title.strip()[:200]
        thread.save(update_fields=["title"])
    if body == post.body and not title:
        return post
    PostVersion.objects.create(
        post=post, body=post.body, edited_by=by, created_at=post.edited_at or post.created_at
    )
    post.body = body
    post.html = render_markdown(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    _index(post, thread)
    Mention.objects.filter(post=post).delete()
    mentioned = _record_mentions(post, thread.board)
    # `notify` tells each person once per post: only people newly named hear of the edit.
    notify(post, thread=thread, board=thread.board, mentioned=mentioned, subscribers=False)
    return post
