import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from cityloom.core.axes import Axis
from cityloom.core.text import fold

from . import trends
from .models import Publication

router = Router(tags=["observatory"])


class PublicationOut(Schema):
    id: int
    title: str
    authors: str
    publisher: str
    year: int | None
    language: str
    axes: list[str]
    summary: str
    url: str
    has_pdf: bool
    published_at: dt.datetime

    @staticmethod
    def resolve_has_pdf(obj) -> bool:
        return bool(obj.pdf)


@router.get("/publications", response=list[PublicationOut])
@paginate(LimitOffsetPagination)
def list_publications(request, q: str = "", axis: Axis | None = None, language: str = ""):
    """The observatory's publications, newest first; `q` searches titles, summaries and PDF text."""
    rows = Publication.objects.all()
    for word in fold(q).split():
        rows = rows.filter(search_text__contains=word)
    if axis:
        rows = rows.filter(axes__icontains=f'"{axis}"')
    if language:
        rows = rows.filter(language=language)
    return rows


@router.get("/publications/{publication_id}", response=PublicationOut)
def get_publication(request, publication_id: int):
    return get_object_or_404(Publication, pk=publication_id)


class TrendsOut(Schema):
    labels: list[str]
    axes: dict[str, list[int]]


@router.get("/trends", response=TrendsOut)
def get_trends(request, start: dt.date, end: dt.date, bucket: str = "quarter"):
    """Items per axis in each month, quarter or year of [start, end)."""
    if bucket not in ("month", "quarter", "year") or end <= start or (end - start).days > 7400:
        from ninja.errors import HttpError

        raise HttpError(
            422, "bucket must be month, quarter or year; end after start; 20 years at most"
        )
    result = trends.trends(start, end, bucket)
    return {"labels": result.labels, "axes": result.axes}
