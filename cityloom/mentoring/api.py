"""Mentoring in the API: public programme facts, and a focal point's own requests."""

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from cityloom.core.api import ErrorOut, Language, Slug, errors, text
from cityloom.core.axes import Axis
from cityloom.network.models import Commission

from . import permissions, queries, services
from .models import MentoringRequest, Mode

router = Router(tags=["mentoring"])


class CityRef(Schema):
    geonames_id: int
    name: str


class ProgrammeOut(Schema):
    id: int
    mentor: CityRef
    mentee: CityRef
    axes: list[str]
    mode: str
    stage: str
    status: str
    started_on: dt.date


class RequestOut(Schema):
    id: int
    city: CityRef
    commission: str = Field(..., alias="commission.slug")
    axes: list[str]
    topics: str
    need: str
    languages: list[str]
    mode: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str
    mentor: CityRef | None
    created_at: dt.datetime


class RequestIn(Schema):
    commission: Slug
    axes: list[Axis] = Field(..., max_length=len(Axis))
    need: Annotated[str, text(4000)]
    topics: Annotated[str, text(300)] = ""
    languages: list[Language] = Field([], max_length=len(settings.LANGUAGES))
    mode: Mode = Mode.STRUCTURED
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@router.get("/programmes", response={200: list[ProgrammeOut], **errors(422)})
def list_programmes(request, active: bool = False):
    """Every programme's public facts: the two cities, axes, stage, status, start date."""
    rows = queries.public_programmes() if active else queries.programmes_overview()
    return rows.order_by("-started_on", "id")


def _own_city(request):
    city = request.user.city
    if city is None or not permissions.can_request_for(request.user, city):
        raise HttpError(403, _("Only a city's focal point has requests."))
    return city


@router.get("/requests", response={200: list[RequestOut], **errors(401, 403)}, auth=django_auth)
def list_my_requests(request):
    """The requests of the caller's city (focal points only)."""
    city = _own_city(request)
    return queries.requests_of_city(city).select_related("commission")


@router.get(
    "/requests/{request_id}",
    response={200: RequestOut, **errors(401, 403, 404, 422)},
    auth=django_auth,
)
def get_my_request(request, request_id: int):
    city = _own_city(request)
    return get_object_or_404(
        MentoringRequest.objects.select_related("city", "mentor", "commission"),
        pk=request_id,
        city=city,
    )


@router.post(
    "/requests",
    response={201: RequestOut, 400: ErrorOut, **errors(401, 403, 404, 422)},
    auth=django_auth,
)
def create_request(request, payload: RequestIn):
    """Ask for a mentor in the name of the caller's city."""
    city = _own_city(request)
    commission = get_object_or_404(Commission, slug=payload.commission)
    try:
        created = services.request_mentoring(
            city,
            by=request.user,
            commission=commission,
            axes=payload.axes,
            need=payload.need,
            topics=payload.topics,
            languages=payload.languages,
            mode=payload.mode,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
        )
    except services.MentoringError as exc:
        return Status(400, {"detail": " ".join(exc.messages)})
    return Status(201, created)
