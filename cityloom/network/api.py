import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from cityloom.core.api import NO_NUL, CountryCode, Pagination, SearchText, Slug, errors

from . import queries
from .models import City, Commission, Region

router = Router(tags=["network"])


class CityOut(Schema):
    geonames_id: int
    name: str
    country_code: str
    country_name: str
    region: str
    population: int
    latitude: float
    longitude: float
    languages: list[str]


class CommissionOut(Schema):
    slug: str
    kind: str
    name: str
    president_city: str | None = Field(None, alias="president_city.name")
    secretariat_email: str
    member_count: int


class MemberOut(Schema):
    city: CityOut
    commission: str = Field(..., alias="commission.slug")
    status: str
    joined_on: dt.date | None


class CityFilter(FilterSchema):
    country: Annotated[str | None, FilterLookup(q="country_code")] = Field(
        None, max_length=2, pattern=NO_NUL, description="ISO 3166 country code"
    )
    region: Annotated[Region | None, FilterLookup(q="region")] = None
    min_population: Annotated[int | None, FilterLookup(q="population__gte")] = Field(
        None, ge=0, le=100_000_000
    )


@router.get("/cities", response={200: list[CityOut], **errors(422)})
@paginate(Pagination)
def list_cities(request, q: SearchText = "", filters: CityFilter = Query(...)):  # noqa: B008 (ninja's idiom)
    """Every city of 15,000+ inhabitants (GeoNames), searchable in any spelling."""
    cities = City.objects.search(q) if q else City.objects.all()
    return filters.filter(cities).order_by("-population", "geonames_id")


@router.get("/commissions", response=list[CommissionOut])
def list_commissions(request):
    return queries.commissions_overview()


@router.get("/members", response={200: list[MemberOut], **errors(404, 422)})
@paginate(Pagination)
def list_members(
    request,
    commission: Slug | None = None,
    q: SearchText = "",
    country: CountryCode = "",
    region: Region | None = None,
    year: int | None = Query(None, ge=1, le=9999, description="Year the city joined"),
):
    """Active members, one row per city and commission; filter by commission's slug to scope."""
    scope = get_object_or_404(Commission, slug=commission) if commission else None
    return queries.member_directory(
        commission=scope, q=q, country=country, region=region or "", year=year
    )
