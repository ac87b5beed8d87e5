import datetime as dt

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import paginate

from cityloom.core.api import Pagination, Slug, errors

from . import queries

router = Router(tags=["communications"])


class InLanguages(Schema):
    en: str
    fr: str
    es: str


class CircularOut(Schema):
    id: int
    number: int
    year: int
    commission: str
    subject: InLanguages
    sent_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_commission(obj) -> str:
        return obj.commission.slug

    @staticmethod
    def resolve_subject(obj) -> dict:
        return {"en": obj.subject, "fr": obj.subject_fr, "es": obj.subject_es}

    @staticmethod
    def resolve_url(obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


@router.get("/circulars", response={200: list[CircularOut], **errors(422)})
@paginate(Pagination)
def list_circulars(request):
    """Sent circulars, newest first: number per year, subject in each language, sent date."""
    return queries.sent_circulars()


class EventOut(Schema):
    slug: str
    title: InLanguages
    commission: str
    role: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    local_starts_at: str  # at the event's own time, ISO 8601 with its offset
    city: int | None  # GeoNames id
    venue: str
    online_url: str
    capacity: int | None
    url: str
    ics_url: str

    @staticmethod
    def resolve_title(obj) -> dict:
        return {"en": obj.title, "fr": obj.title_fr, "es": obj.title_es}

    @staticmethod
    def resolve_commission(obj) -> str:
        return obj.commission.slug

    @staticmethod
    def resolve_time_zone(obj) -> str:
        return obj.zone_name

    @staticmethod
    def resolve_local_starts_at(obj) -> str:
        return obj.local_starts_at.isoformat()

    @staticmethod
    def resolve_city(obj) -> int | None:
        return obj.city.geonames_id if obj.city else None

    @staticmethod
    def resolve_url(obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()

    @staticmethod
    def resolve_ics_url(obj) -> str:
        return settings.SITE_URL + reverse("communications:event-ics", args=[obj.slug])


@router.get("/events", response={200: list[EventOut], **errors(422)})
@paginate(Pagination)
def list_events(request):
    """Published events in date order, times in UTC and at their city's own time."""
    return queries.public_events().order_by("starts_at", "pk")


@router.get("/events/{slug}", response={200: EventOut, **errors(404, 422)})
def get_event(request, slug: Slug):
    event = queries.public_events().filter(slug=slug).first()
    if event is None:
        raise Http404
    return event
