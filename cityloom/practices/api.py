import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cityloom.core.api import CountryCode, LanguageCode, Pagination, SearchText, errors, text
from cityloom.core.axes import Axis
from cityloom.network.models import Region

from . import search
from .models import CitySize, Compendium, Practice

router = Router(tags=["practices"])


class PracticeOut(Schema):
    id: int
    title: str
    summary: str
    axis: Axis
    language: str
    city: str = Field(..., alias="city.name")
    city_geonames_id: int = Field(..., alias="city.geonames_id")
    country_code: str
    region: str
    city_size: str
    is_labelled: bool
    published_at: dt.datetime | None
    sdgs: list[int]
    url: str

    @staticmethod
    def resolve_sdgs(obj) -> list[int]:
        return [s.goal for s in obj.sdgs.all()]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class TransferOut(Schema):
    adopting_city: str = Field(..., alias="adopting_city.name")
    stage: str
    started_on: dt.date
    adapted_on: dt.date | None
    reused_on: dt.date | None


class TranslationOut(Schema):
    language: str
    title: str
    summary: str
    problem: str
    solution: str
    results: str


class PracticeDetailOut(PracticeOut):
    problem: str
    solution: str
    results: str
    figures: list[dict]
    cost_range: str
    partners: str
    started_on: dt.date | None
    ended_on: dt.date | None
    tags: list[str]
    indicator_codes: list[str] = Field(..., alias="indicator_list")
    translations: list[TranslationOut]
    transfers: list[TransferOut]

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.slug for t in obj.tags.all()]

    @staticmethod
    def resolve_translations(obj):
        return list(obj.translations.all())

    @staticmethod
    def resolve_transfers(obj):
        return list(obj.transfers.select_related("adopting_city"))


class PracticeFilters(Schema):
    q: SearchText = ""
    axis: Axis | None = None
    country: CountryCode = ""
    region: Region | None = None
    size: CitySize | None = None
    sdg: int | None = Field(None, ge=1, le=17)
    labelled: bool | None = None
    language: LanguageCode = ""
    tag: Annotated[str, text(100, "A tag's short name")] = ""
    city: int | None = Field(None, ge=1, le=2**31 - 1, description="GeoNames id of the city")
    sort: str = Field("", pattern="^(|relevance|date)$")


@router.get("/practices", response={200: list[PracticeOut], **errors(422)})
@paginate(Pagination)
def list_practices(request, filters: PracticeFilters = Query(...)):  # noqa: B008 (ninja's idiom)
    """Published practices, with the same full-text search and filters as the library's page."""
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return search.search(search.SearchParams(**data), with_facets=False).practices


@router.get("/practices/{practice_id}", response={200: PracticeDetailOut, **errors(404, 422)})
def get_practice(request, practice_id: int):
    return get_object_or_404(
        Practice.objects.published()
        .select_related("city")
        .prefetch_related("sdgs", "tags", "translations"),
        pk=practice_id,
    )


class CompendiumOut(Schema):
    slug: str
    title: str
    introduction: str
    practices: list[int]

    @staticmethod
    def resolve_practices(obj) -> list[int]:
        return [e.practice_id for e in obj.entries.all() if e.practice.is_published]


@router.get("/compendiums", response=list[CompendiumOut])
def list_compendiums(request):
    return Compendium.objects.filter(is_public=True).prefetch_related("entries__practice")
