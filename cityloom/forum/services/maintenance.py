"""Rebuilding what the services keep: counters and the search index (after an import, the demo
or the benchmark's bulk insert)."""

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cityloom.core.text import render_markdown
from cityloom.forum import queries
from cityloom.forum.models import Board, Post, Thread


@transaction.atomic
def rebuild_counters() -> None:
    posts = Post.objects.filter(thread=OuterRef("pk")).order_by()
    Thread.objects.update(
        reply_count=Subquery(posts.values("thread").annotate(n=Count("pk")).values("n")[:1]) - 1,
        next_position=Subquery(posts.values("thread").annotate(m=Max("position")).values("m")[:1])
        + 1,
        last_post_at=Subquery(posts.values("thread").annotate(m=Max("created_at")).values("m")[:1]),
    )
    threads = Thread.objects.filter(board=OuterRef("pk")).order_by()
    Board.objects.update(
        thread_count=Coalesce(
            Subquery(threads.values("board").annotate(n=Count("pk")).values("n")[:1]), 0
        ),
        last_post_at=Subquery(
            threads.values("board").annotate(m=Max("last_post_at")).values("m")[:1]
        ),
    )


def reindex_all(*, batch_size: int = 5000) -> int:
    """Index every visible post again; returns the count."""
    count, last = 0, 0
    while True:
        rows = list(
            Post.objects.filter(is_hidden=False, pk__gt=last)
            .select_related("thread")
            .only("pk", "position", "body", "language", "thread__title")
            .order_by("pk")[:batch_size]
        )
        if not rows:
            return count
        with transaction.atomic():
            queries.SEARCH.index([queries.post_document(p, p.thread.title) for p in rows])
        count += len(rows)
        last = rows[-1].pk


def render_missing(*, batch_size: int = 2000) -> int:
    """Render the posts written without their HTML (data loaded as rows); returns the count."""
    count = 0
    while True:
        rows = list(Post.objects.filter(html="").only("pk", "body")[:batch_size])
        if not rows:
            return count
        for post in rows:
            post.html = render_markdown(post.body)
        with transaction.atomic():
            Post.objects.bulk_update(rows, ["html"])
        count += len(rows)


@transaction.atomic
def refresh_demo() -> None:
    """The demo's step after its records: HTML, counters and index as the services keep them."""
    Post.objects.exclude(html="").update(html="")  # the data file may have changed a text
    render_missing()
    rebuild_counters()
    reindex_all()
