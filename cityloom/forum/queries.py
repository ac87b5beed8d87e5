"""Reads of the forum shared by the pages, the API, the workspace, the digest and the trends.

Every page reads a constant number of rows whatever the forum's size: a board's threads come
in keyset pages (the index `forum_board_page`), a thread's posts by a range of positions.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils.dateparse import parse_datetime

from cityloom.core.search import Document, FullTextIndex
from cityloom.core.trends import Item, start_of

from . import permissions
from .models import (
    POSTS_PER_PAGE,
    Board,
    ModerationLog,
    Notification,
    Post,
    Report,
    Subscription,
    Thread,
)

THREADS_PER_PAGE = 25
SEARCH_RESULTS = 20

# The forum's entry in the platform's one search layer: a row per visible post.
SEARCH = FullTextIndex(
    Post, fts_table="forum_post_fts", field="search_vector", group_field="thread_id"
)


def post_document(post: Post, thread_title: str) -> Document:
    """What search reads of a post: the thread's title with the opening post, and the text."""
    return Document(
        post.pk,
        [(post.language, thread_title if post.is_opening else "", post.body)],
        group=post.thread_id,
        slot=post.position,
    )


# --- boards -----------------------------------------------------------------------------------


def board_list(user) -> QuerySet[Board]:
    """The boards `user` may read: axis boards first, then projects, meetings, the others."""
    order = {Board.Kind.AXIS: 0, Board.Kind.PROJECT: 1, Board.Kind.MEETING: 2, Board.Kind.CUSTOM: 3}
    from django.db.models import Case, IntegerField, Value, When

    kind_order = Case(
        *[When(kind=k, then=Value(v)) for k, v in order.items()], output_field=IntegerField()
    )
    return (
        permissions.readable_boards(user)
        .select_related("commission")
        .annotate(kind_order=kind_order)
        .order_by("commission__name", "kind_order", "position", "title", "id")
    )


def board(slug: str) -> Board | None:
    return (
        Board.objects.select_related("commission", "project", "meeting").filter(slug=slug).first()
    )


def board_by_pk(pk: int) -> Board | None:
    return Board.objects.select_related("commission").filter(pk=pk).first()


def axis_board(commission_id: int, axis: str) -> Board | None:
    return Board.objects.filter(
        commission_id=commission_id, kind=Board.Kind.AXIS, axis=axis
    ).first()


def boards_to_move_to(thread: Thread) -> QuerySet[Board]:
    """The other boards of the thread's commission: a thread never leaves its commission."""
    return Board.objects.filter(commission_id=thread.board.commission_id).exclude(
        pk=thread.board_id
    )


def public_boards() -> QuerySet[Board]:
    return Board.objects.filter(visibility=Board.Visibility.PUBLIC).select_related("commission")


class _LazyThreads:
    """A board's threads in page order, sliced by the API's paginator: `count()` reads the
    board's counter, a slice reads one page through the index (no COUNT over the table)."""

    def __init__(self, board: Board):
        self.board = board

    def count(self) -> int:
        return self.board.thread_count

    def __len__(self) -> int:
        return self.board.thread_count

    def __getitem__(self, index):
        rows = _threads(Thread.objects.filter(board=self.board)).order_by(
            "-is_pinned", "-last_post_at", "-id"
        )
        return list(rows[index])

    def __iter__(self):
        return iter(self[0 : self.board.thread_count])


def public_board_threads(board: Board) -> _LazyThreads:
    return _LazyThreads(board)


def group_people(board: Board) -> QuerySet:
    return board.group.order_by("name", "email")


# --- threads ----------------------------------------------------------------------------------


@dataclass
class ThreadPage:
    pinned: list[Thread]
    threads: list[Thread]
    next_cursor: str  # empty on the last page


def _cursor(thread: Thread) -> str:
    return f"{thread.last_post_at.isoformat()}_{thread.pk}"


def _parse_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    at, _sep, pk = (cursor or "").rpartition("_")
    try:
        moment = parse_datetime(at)
        return (moment, int(pk)) if moment else None
    except ValueError:
        return None


def _threads(rows: QuerySet[Thread]) -> QuerySet[Thread]:
    return rows.select_related("author__city")


def board_threads(board: Board, *, cursor: str = "", size: int = THREADS_PER_PAGE) -> ThreadPage:
    """Pinned threads (on the first page only), then the others by latest post, in keyset pages:
    page 500 reads the same few index entries as page 1."""
    after = _parse_cursor(cursor)
    # `is_pinned__in`, not `is_pinned=`: SQLite reads a bare boolean column as an expression
    # and would then sort the whole board instead of walking the index `forum_board_page`.
    rows = _threads(Thread.objects.filter(board=board, is_pinned__in=[False]))
    pinned: list[Thread] = []
    if after is None:
        pinned = list(_threads(Thread.objects.filter(board=board, is_pinned__in=[True])))
    else:
        at, pk = after
        # A range the index walks (`<=`), less the ties already shown: an OR of the two
        # conditions would make SQLite sort the whole board.
        rows = rows.filter(last_post_at__lte=at).exclude(last_post_at=at, pk__gte=pk)
    threads = list(rows.order_by("-is_pinned", "-last_post_at", "-id")[: size + 1])
    next_cursor = _cursor(threads[size - 1]) if len(threads) > size else ""
    return ThreadPage(pinned, threads[:size], next_cursor)


def thread(pk: int) -> Thread | None:
    return (
        Thread.objects.select_related(
            "board__commission", "board__project", "board__meeting", "author__city"
        )
        .filter(pk=pk)
        .first()
    )


def page_count(thread: Thread) -> int:
    return max(1, -(-thread.next_position // POSTS_PER_PAGE))


def thread_posts(thread: Thread, page: int) -> list[Post]:
    """The posts of one page, by an indexed range of positions (hidden ones keep their place)."""
    start = (page - 1) * POSTS_PER_PAGE
    return list(
        Post.objects.filter(thread=thread, position__gte=start, position__lt=start + POSTS_PER_PAGE)
        .select_related("author__city", "quoted__author")
        .order_by("position")
    )


def post(pk: int) -> Post | None:
    return (
        Post.objects.select_related("thread__board__commission", "author", "quoted")
        .filter(pk=pk)
        .first()
    )


def post_versions(post: Post) -> list:
    return list(post.versions.select_related("edited_by").order_by("-created_at", "-id"))


def opening_post(thread: Thread) -> Post | None:
    return Post.objects.filter(thread=thread, position=0).first()


# --- subscriptions ----------------------------------------------------------------------------


def subscription(user, *, board: Board | None = None, thread: Thread | None = None):
    if not user.is_authenticated:
        return None
    if board is not None:
        return Subscription.objects.filter(person=user, board=board).first()
    return Subscription.objects.filter(person=user, thread=thread).first()


def subscribers(board: Board, thread: Thread) -> list[Subscription]:
    """Subscriptions to the board or the thread, with their people (a thread's wins)."""
    rows = (
        Subscription.objects.filter(Q(board=board) | Q(thread=thread))
        .select_related("person")
        .order_by("thread_id", "pk")  # board subscriptions (thread NULL) first on both engines
    )
    chosen: dict[int, Subscription] = {}
    for row in rows:
        if row.thread_id is not None or row.person_id not in chosen:
            chosen[row.person_id] = row
    return list(chosen.values())


def subscription_by_pk(pk: int) -> Subscription | None:
    return Subscription.objects.select_related("board", "thread", "person").filter(pk=pk).first()


def digest_people() -> list[int]:
    """Who has notifications waiting for a digest."""
    return list(
        Notification.objects.filter(mode=Subscription.Mode.DIGEST, mailed_at__isnull=True)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )


# --- search -----------------------------------------------------------------------------------


# Up to this many matching posts, a search reads them all from the index (see search_threads).
RARE_MATCHES = 5000


@dataclass
class SearchPage:
    threads: list[Thread]
    has_more: bool
    page: int


def search_threads(user, q: str, *, page: int = 1, size: int = SEARCH_RESULTS) -> SearchPage:
    """Threads of the boards `user` may read with a visible post matching every word of `q`
    (accents and word forms folded: `participacion` finds `participación`).

    On SQLite the newest threads come first, read from the index in chunks until the page is
    full (a word found in 200,000 posts costs what a rare one does); on PostgreSQL, the threads
    with the latest posts first. Hidden posts are not in the index.
    """
    readable = permissions.readable_boards(user).values("pk")
    if SEARCH.vendor == "postgresql":
        matching = SEARCH.groups(q)
        if matching is None:
            return SearchPage([], False, page)
        # A rare word: its few posts come straight from the GIN index, and only their threads
        # are sorted. A common one: the threads are walked newest first until the page is full
        # (left to the planner, it walked every thread looking for a word nobody wrote).
        few = [row["thread_id"] for row in matching[: RARE_MATCHES + 1]]
        if len(few) <= RARE_MATCHES:
            matching = set(few)
        rows = _threads(Thread.objects.filter(board__in=readable, pk__in=matching))
        start = (page - 1) * size
        found = list(
            rows.select_related("board").order_by("-last_post_at", "-id")[start : start + size + 1]
        )
        return SearchPage(found[:size], len(found) > size, page)
    chunks = SEARCH.newest_groups(q)
    if chunks is None:
        return SearchPage([], False, page)
    start, found = (page - 1) * size, []
    for ids in chunks:
        allowed = set(
            Thread.objects.filter(pk__in=ids, board__in=readable).values_list("pk", flat=True)
        )
        found += [pk for pk in ids if pk in allowed]
        if len(found) > start + size:
            break
    ids = found[start : start + size + 1]
    threads = {t.pk: t for t in _threads(Thread.objects.filter(pk__in=ids)).select_related("board")}
    return SearchPage([threads[pk] for pk in ids[:size]], len(ids) > size, page)


# --- moderation -------------------------------------------------------------------------------


def open_reports(user) -> QuerySet[Report]:
    """Reports waiting for the secretariat of `user`'s commissions, oldest first."""
    return Report.objects.filter(
        resolved_at__isnull=True,
        post__thread__board__commission__in=permissions.secretariat_commissions(user).values("pk"),
    ).select_related("post__thread__board", "post__author", "reporter")


def open_report_summary(user) -> dict:
    return open_reports(user).aggregate(count=Count("pk"), since=Min("created_at"))


def moderation_log(user, *, limit: int = 50) -> list[ModerationLog]:
    return list(
        ModerationLog.objects.filter(
            commission__in=permissions.secretariat_commissions(user).values("pk")
        ).select_related("by", "board", "thread", "post")[:limit]
    )


def moderation_log_of(thread: Thread) -> list[ModerationLog]:
    return list(ModerationLog.objects.filter(thread=thread).select_related("by"))


# --- the observatory's trends -----------------------------------------------------------------


def trend_items(start: dt.date, end: dt.date) -> list[Item]:
    """Threads started in [start, end) on boards anyone may read, as the trends count them:
    the board's axis (or its project's, or its meeting's) and the title."""
    rows = Thread.objects.filter(
        created_at__gte=start_of(start),
        created_at__lt=start_of(end),
        board__visibility=Board.Visibility.PUBLIC,
    ).values_list(
        "created_at", "title", "board__axis", "board__project__axis", "board__meeting__axis"
    )
    return [
        Item(at.date(), tuple(a for a in (axis or p_axis or m_axis,) if a), (), title)
        for at, title, axis, p_axis, m_axis in rows
    ]
