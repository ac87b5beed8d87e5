import datetime as dt
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from cityloom.core.api import LanguageCode, Pagination, SearchText, errors
from cityloom.core.axes import Axis

from . import queries, trends
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


@router.get("/publications", response={200: list[PublicationOut], **errors(422)})
@paginate(Pagination)
def list_publications(
    request, q: SearchText = "", axis: Axis | None = None, language: LanguageCode = ""
):
    """The observatory's publications, newest first; `q` searches titles, summaries and PDF text."""
    return queries.publications(q=q, axis=axis or "", language=language)


@router.get("/publications/{publication_id}", response={200: PublicationOut, **errors(404, 422)})
def get_publication(request, publication_id: int):
    return get_object_or_404(Publication, pk=publication_id)


class TrendsOut(Schema):
    labels: list[str]
    axes: dict[str, list[int]]


@router.get("/trends", response={200: TrendsOut, **errors(422)})
def get_trends(
    request,
    start: Annotated[dt.date, Field(description="First day, 1900-01-01 or later.")],
    end: Annotated[
        dt.date,
        Field(
            description="Day after the last: 20 years after start at most, 2200-01-01 at the latest."
        ),
    ],
    bucket: Literal["month", "quarter", "year"] = "quarter",
):
    """Items per axis in each month, quarter or year of [start, end)."""
    try:
        result = trends.trends(start, end, bucket)
    except trends.PeriodError as exc:
        raise ValidationError(
            [{"type": "value_error", "loc": ["query", exc.field], "msg": str(exc)}]
        ) from exc
    return {"labels": result.labels, "axes": result.axes}
