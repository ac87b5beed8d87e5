"""Writes on the forum: each public function is one transaction, called by every entry point."""

from .base import ForumError, subscription_of_token, unsubscribe_token
from .boards import (
    create_board,
    ensure_all_boards,
    ensure_axis_boards,
    ensure_meeting_board,
    ensure_project_board,
)
from .maintenance import rebuild_counters, refresh_demo, reindex_all
from .moderation import (
    dismiss_report,
    move_thread,
    report_post,
    set_hidden,
    set_locked,
    set_pinned,
)
from .notifications import notify, send_digests, subscribe, unsubscribe
from .posting import ATTACHMENTS, POSTING_RATE, edit_post, mentions_in, reply, start_thread

__all__ = [
    "ATTACHMENTS",
    "POSTING_RATE",
    "ForumError",
    "create_board",
    "dismiss_report",
    "edit_post",
    "ensure_all_boards",
    "ensure_axis_boards",
    "ensure_meeting_board",
    "ensure_project_board",
    "mentions_in",
    "move_thread",
    "notify",
    "rebuild_counters",
    "refresh_demo",
    "reindex_all",
    "reply",
    "report_post",
    "send_digests",
    "set_hidden",
    "set_locked",
    "set_pinned",
    "start_thread",
    "subscribe",
    "subscription_of_token",
    "unsubscribe",
    "unsubscribe_token",
]
