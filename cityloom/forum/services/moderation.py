"""Moderation by the commission's secretariat (hide, lock, move, pin) and members' reports.

Every action writes a line of the moderation log in the same transaction.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.forum import permissions, queries
from cityloom.forum.models import Board, ModerationLog, Post, Report, Thread

from .base import ForumError, PermissionDenied, log

Action = ModerationLog.Action


def _require_moderator(by, board: Board) -> None:
    if not permissions.can_moderate(by, board):
        raise PermissionDenied


@transaction.atomic
def set_hidden(post: Post, *, by, hidden: bool, note: str = "") -> Post:
    """Hide a post (its text is replaced for readers, it leaves search) or show it again.
    Hiding resolves the post's open reports."""
    thread = post.thread
    _require_moderator(by, thread.board)
    if post.is_hidden == hidden:
        return post
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    if hidden:
        queries.SEARCH.remove(queries.post_document(post, thread.title))
        Report.objects.filter(post=post, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by
        )
    else:
        queries.SEARCH.index(queries.post_document(post, thread.title))
    log(Action.HIDE if hidden else Action.UNHIDE, by=by, board=thread.board, thread=thread,
        post=post, note=note)  # fmt: skip
    return post


@transaction.atomic
def set_locked(thread: Thread, *, by, locked: bool) -> Thread:
    _require_moderator(by, thread.board)
    if thread.is_locked != locked:
        Thread.objects.filter(pk=thread.pk).update(is_locked=locked)
        thread.is_locked = locked
        log(Action.LOCK if locked else Action.UNLOCK, by=by, board=thread.board, thread=thread)
    return thread


@transaction.atomic
def set_pinned(thread: Thread, *, by, pinned: bool) -> Thread:
    _require_moderator(by, thread.board)
    if thread.is_pinned != pinned:
        Thread.objects.filter(pk=thread.pk).update(is_pinned=pinned)
        thread.is_pinned = pinned
        log(Action.PIN if pinned else Action.UNPIN, by=by, board=thread.board, thread=thread)
    return thread


@transaction.atomic
def move_thread(thread: Thread, *, by, to_board_id) -> Thread:
    """Move a thread to another board of the same commission (never out of it)."""
    source = thread.board
    _require_moderator(by, source)
    try:
        target = queries.board_by_pk(int(to_board_id))
    except (TypeError, ValueError):
        target = None
    if target is None or target.commission_id != source.commission_id:
        raise ForumError(_("Choose a board of the same commission."), field="board")
    if target.pk == source.pk:
        raise ForumError(_("The thread is already on this board."), field="board")
    Thread.objects.filter(pk=thread.pk).update(board=target)
    Board.objects.filter(pk=source.pk).update(thread_count=F("thread_count") - 1)
    Board.objects.filter(pk=target.pk).update(thread_count=F("thread_count") + 1)
    thread.board = target
    log(Action.MOVE, by=by, board=target, thread=thread,
        note=f"{source.title} → {target.title}")  # fmt: skip
    return thread


@transaction.atomic
def report_post(post: Post, *, by, reason: str) -> Report:
    """A member flags a post for the secretariat, with a reason."""
    if not permissions.can_report(by, post):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ForumError(_("Say why this message should be looked at."), field="reason")
    try:
        with transaction.atomic():
            report = Report.objects.create(post=post, reporter=by, reason=reason[:2000])
    except IntegrityError:
        raise ForumError(
            _("You have already reported this message; the secretariat will look at it.")
        ) from None
    log(Action.REPORT, by=by, board=post.thread.board, thread=post.thread, post=post,
        note=reason[:500])  # fmt: skip
    return report


@transaction.atomic
def dismiss_report(report: Report, *, by) -> Report:
    _require_moderator(by, report.post.thread.board)
    Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    return report
