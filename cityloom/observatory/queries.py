"""Reads shared by the observatory's pages and its API."""

from django.db.models import Count, Min, QuerySet
from django.db.models.functions import Coalesce

from cityloom.core.text import fold

from .models import Publication, Source


def latest_publications(limit: int = 10) -> QuerySet[Publication]:
    return Publication.objects.select_related("source")[:limit]


def publications(
    *, q: str = "", axis: str = "", language: str = "", year: int | None = None
) -> QuerySet[Publication]:
    """Publications, newest first, with every word of `q` (accents folded) and the filters given."""
    rows = Publication.objects.select_related("source")
    for word in fold(q).split():
        rows = rows.filter(search_text__contains=word)
    if axis:
        rows = rows.filter(axes__has=axis)
    if language:
        rows = rows.filter(language=language)
    if year:
        rows = rows.filter(year=year)
    return rows


def publications_in_full() -> QuerySet[Publication]:
    """What a publication's page shows of it, fetched with it."""
    return Publication.objects.select_related("source").prefetch_related("tags")


def sources() -> QuerySet[Source]:
    return Source.objects.all()


def latest_items(source: Source, limit: int = 20) -> QuerySet[Publication]:
    return source.publications.all()[:limit]


def feeds_in_error() -> dict:
    """Followed feeds whose last poll failed: `count`, and `since` (the oldest time one of them
    last worked, or was registered if it never did)."""
    return Source.objects.filter(is_active=True, error_count__gt=0).aggregate(
        count=Count("pk"), since=Min(Coalesce("last_success_at", "created_at"))
    )


def added_in(year: int, *, top: int = 5) -> tuple[int, list, int]:
    """What the observatory added in `year`: the number of publications dated that year, the
    `top` tags among them (each with `publication_count`), and the feeds followed."""
    from cityloom.core.models import Tag

    count = Publication.objects.filter(published_at__year=year).count()
    tags = list(
        Tag.objects.filter(publications__published_at__year=year)
        .annotate(publication_count=Count("publications", distinct=True))
        .order_by("-publication_count", "slug")[:top]
    )
    feeds = Source.objects.filter(is_active=True).count()
    return count, tags, feeds
