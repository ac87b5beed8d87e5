"""`/api/v1/study/…`: published editions and their results."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from cityloom.core.api import MAX_OFFSET, errors

from .models import Edition
from .queries import Structure, ranking_page

router = Router(tags=["study"])


class EditionOut(Schema):
    id: int
    title: str
    year: int
    status: str
    framework: str
    cities: int
    published_at: str | None
    licence: str
    demo_data: bool


class RankInterval(Schema):
    p05: float | None
    p95: float | None


class CityResultOut(Schema):
    geonames_id: int
    city: str
    country_code: str
    region: str
    score: float | None
    rank: int | None
    rank_interval: RankInterval
    axes: dict[str, float | None]
    axis_ranks: dict[str, float | None]
    coverage: float


class ResultsOut(Schema):
    edition: EditionOut
    axes: dict[str, str]
    count: int
    cities: list[CityResultOut]


def _edition_out(e: Edition) -> dict:
    return {
        "id": e.pk,
        "title": e.title,
        "year": e.year,
        "status": e.status,
        "framework": e.framework.slug,
        "cities": e.n_cities,
        "published_at": e.published_at.isoformat() if e.published_at else None,
        "licence": e.licence,
        "demo_data": e.is_demo,
    }


def _published():
    return (
        Edition.objects.published()
        .select_related("framework")
        .annotate(n_cities=Count("published_computation__results", distinct=True))
    )


@router.get("/editions", response=list[EditionOut])
def list_editions(request):
    """Published editions of the Study: year, status, framework and number of cities."""
    return [_edition_out(e) for e in _published().order_by("-year")]


@router.get("/editions/{edition_id}/results", response={200: ResultsOut, **errors(404, 422)})
def edition_results(
    request,
    edition_id: int,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Per city: overall and per-axis scores, rank, and the rank interval (5th to 95th percentile).

    Paginated by rank (`limit`, `offset`); the whole table downloads as `results.json` or CSV.
    """
    # The computation in the same query, without its snapshot (the run's whole input).
    edition = get_object_or_404(
        _published()
        .select_related("published_computation")
        .defer("published_computation__snapshot"),
        pk=edition_id,
    )
    computation = edition.published_computation
    structure = Structure.of(computation)
    top = [g["code"] for g in structure.top]
    count, rows = ranking_page(computation, offset=offset, limit=limit)
    return {
        "edition": _edition_out(edition),
        "axes": {g["code"]: g["name"] for g in structure.top},
        "count": count,
        "cities": [
            {
                "geonames_id": r.city.geonames_id,
                "city": r.city.name,
                "country_code": r.city.country_code,
                "region": r.city.region,
                "score": r.score,
                "rank": r.rank,
                "rank_interval": {"p05": r.rank_low, "p95": r.rank_high},
                "axes": {c: (r.axes.get(c) or [None, None])[0] for c in top},
                "axis_ranks": {c: (r.axes.get(c) or [None, None])[1] for c in top},
                "coverage": r.coverage,
            }
            for r in rows
        ],
    }
