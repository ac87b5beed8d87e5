"""Full-text search of practices, through the platform's one search layer (`core.search`).

The engines (SQLite FTS5 with accents and word forms folded, PostgreSQL tsvector with Snowball
configurations behind unaccent) live in `cityloom.core.search`; this module says what a
practice's text is (its fields, tags, city and translations), which practices are searched
(published ones, with facets), and how results are ordered.

`index_practice` is called by the services whenever a practice or its translations change;
`search` filters, counts the facets in one round trip, and orders.
"""

import hashlib
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.core.i18n import country_name
from cityloom.core.search import Document, FullTextIndex
from cityloom.core.text import fold
from cityloom.network.models import Region

from .models import CitySize, Practice, PracticeSdg, Sdg, SearchEntry


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    axis: str = ""
    country: str = ""
    region: str = ""
    size: str = ""
    sdg: int | None = None
    labelled: bool | None = None
    language: str = ""
    tag: str = ""
    city: int | None = None  # GeoNames id
    sort: str = ""  # "relevance" (default with a query) or "date"

    @property
    def sorts_by_relevance(self) -> bool:
        return bool(self.q.strip()) and self.sort != "date"


@dataclass
class Facet:
    name: str
    values: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)


class Results:
    """Ordered results read in two steps: the page's ids (from indexes), then those rows.

    Sorting whole rows would read every match's long texts; a slice reads 20. Behaves as the
    paginators expect: `count()`, `len()`, slicing, iteration.
    """

    def __init__(self, ordered: QuerySet, total: int):
        self._ordered, self.total = ordered, total

    def count(self) -> int:
        return self.total

    def all(self) -> "Results":
        return self

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self[0 : self.total])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(self._ordered.values_list("id", flat=True)[index])
        rows = (
            Practice.objects.filter(id__in=ids)
            .select_related("city")
            .prefetch_related("sdgs", "translations")
        )
        by_id = {p.pk: p for p in rows} if ids else {}
        return [by_id[i] for i in ids]


@dataclass
class SearchResult:
    practices: Results  # ordered; slice it
    total: int
    facets: list[Facet]


def _texts(practice: Practice) -> tuple[str, str, list[tuple[str, str, str]]]:
    """Original title, original body, and (language, title, body) of each translation."""
    tags = " ".join(f"{t.name} {t.name_fr} {t.name_es}" for t in practice.tags.all())
    body = " ".join(
        [
            practice.summary,
            practice.problem,
            practice.solution,
            practice.results,
            practice.partners,
            tags,
            practice.city.name,
        ]
    )
    translations = [
        (t.language, t.title, " ".join([t.summary, t.problem, t.solution, t.results]))
        for t in practice.translations.all()
    ]
    return practice.title, body, translations


INDEX = FullTextIndex(Practice, fts_table="practices_practice_fts", field="search_vector")


def _document(practice: Practice, title: str, body: str, translations) -> Document:
    return Document(practice.pk, [(practice.language, title, body), *translations])


def backend():
    """The engine of the database in use (the one search layer, `cityloom.core.search`)."""
    return INDEX.engine


def index_practice(practice: Practice) -> None:
    """Refresh the practice's entry in the search index (inside the caller's transaction)."""
    practice = (
        Practice.objects.select_related("city")
        .prefetch_related("tags", "translations")
        .get(pk=practice.pk)
    )
    INDEX.index(_document(practice, *_texts(practice)))


def reindex_all(*, batch_size: int = 2000) -> int:
    """Rebuild the whole index (after an import, or to change the stemmer); returns the count."""
    count = 0
    ids = list(Practice.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = (
            Practice.objects.filter(id__in=ids[start : start + batch_size])
            .select_related("city")
            .prefetch_related("tags", "translations")
        )
        documents = [_document(p, *_texts(p)) for p in chunk]
        INDEX.index(documents)
        count += len(documents)
    return count


def remove_practice(practice_id: int) -> None:
    INDEX.remove(practice_id)


def filtered(params: SearchParams, practices: QuerySet | None = None) -> QuerySet | None:
    """Published practices matching the text and every facet; None if the query has no word."""
    rows = Practice.objects.all() if practices is None else practices
    if params.q.strip():
        rows = INDEX.match(rows.published(), params.q)
        if rows is None:
            return None
    else:
        rows = rows.published()
    filters = Q()
    if params.axis:
        filters &= Q(axis=params.axis)
    if params.country:
        filters &= Q(country_code=params.country)
    if params.region:
        filters &= Q(region=params.region)
    if params.size:
        filters &= Q(city_size=params.size)
    if params.language:
        filters &= Q(language=params.language)
    if params.labelled is not None:
        filters &= Q(is_labelled=params.labelled)
    if params.city:
        filters &= Q(city__geonames_id=params.city)
    if params.tag:
        filters &= Q(tags__slug=params.tag)
    if params.sdg:
        filters &= Q(sdgs__goal=params.sdg)
    return rows.filter(filters) if filters else rows


def ordered(rows: QuerySet, params: SearchParams) -> QuerySet:
    if params.sorts_by_relevance:
        return rows.annotate(rank=INDEX.relevance(params.q)).order_by(
            "-rank", "-published_at", "-id"
        )
    return rows.order_by("-published_at", "-id")


FACET_COLUMNS = ["axis", "language", "is_labelled", "country_code", "region", "city_size"]


def facet_counts(rows: QuerySet) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and the count of each facet value, in one round trip (a materialised CTE)."""
    inner = rows.order_by().values_list("id", *FACET_COLUMNS)
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(["id", *FACET_COLUMNS])
    parts = ["SELECT 'total', '', COUNT(*) FROM m"]
    parts += [
        f"SELECT '{c}', CAST({c} AS TEXT), COUNT(*) FROM m GROUP BY {c}" for c in FACET_COLUMNS
    ]
    parts.append(
        f"SELECT 'sdg', CAST(s.goal AS TEXT), COUNT(*) FROM m "
        f"JOIN {PracticeSdg._meta.db_table} s ON s.practice_id = m.id GROUP BY s.goal"
    )
    statement = f"WITH m({columns}) AS MATERIALIZED ({sql}) " + " UNION ALL ".join(parts)
    counts: dict[str, dict[str, int]] = {c: {} for c in [*FACET_COLUMNS, "sdg"]}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for name, value, count in cursor.fetchall():
            if name == "total":
                total = count
            else:
                if name == "is_labelled":  # PostgreSQL says true/false, SQLite 1/0
                    value = "1" if value in ("1", "true") else "0"
                counts[name][value] = count
    return total, counts


def _facets(counts: dict[str, dict[str, int]]) -> list[Facet]:
    languages = dict(settings.LANGUAGES)

    def ordered_choices(name, column, choices):
        found = counts[column]
        return Facet(
            name, [(str(v), str(lb), found[str(v)]) for v, lb in choices if str(v) in found]
        )

    countries = sorted(
        ((code, country_name(code), n) for code, n in counts["country_code"].items()),
        key=lambda c: fold(c[1]),
    )
    return [
        ordered_choices("axis", "axis", Axis.choices),
        Facet("country", countries),
        ordered_choices("region", "region", Region.choices),
        ordered_choices("size", "city_size", CitySize.choices),
        ordered_choices("sdg", "sdg", Sdg.choices),
        Facet(
            "labelled",
            [
                (v, label, counts["is_labelled"][v])
                for v, label in (("1", _("labelled")), ("0", _("not labelled")))
                if v in counts["is_labelled"]
            ],
        ),
        Facet(
            "language",
            [(code, str(languages[code]), n) for code, n in sorted(counts["language"].items())],
        ),
    ]


FACET_CACHE_SECONDS = 300


def _data_version() -> str:
    """Changes whenever a practice is added or saved (publishing, labelling and editing save)."""
    # Two scalar subqueries: SQLite answers a lone MAX() from its index, not MAX(a), MAX(b).
    table = Practice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(updated_at) FROM {table}), (SELECT MAX(id) FROM {table})"
        )
        at, last_id = cursor.fetchone()
    return f"{at}:{last_id}"


def cached_facet_counts(rows: QuerySet, params: SearchParams):
    """Facet counts are the costly part of a search: kept until the next change of a practice.

    The page of results itself is always read fresh. A deleted practice (rare: unpublishing is
    the normal way) may linger in the counts for FACET_CACHE_SECONDS.
    """
    key_params = {**asdict(params), "sort": ""}
    raw = f"{_data_version()}|{sorted(key_params.items())}"
    key = "practices:facets:" + hashlib.sha256(raw.encode()).hexdigest()
    if (hit := cache.get(key)) is not None:
        return hit
    value = facet_counts(rows)
    cache.set(key, value, FACET_CACHE_SECONDS)
    return value


def search(params: SearchParams, *, with_facets: bool = True) -> SearchResult:
    rows = filtered(params)
    if rows is None:
        return SearchResult(Results(Practice.objects.none(), 0), 0, [])
    facets: list[Facet] = []
    if with_facets:
        total, counts = cached_facet_counts(rows, params)
        facets = _facets(counts)
    else:
        total = rows.count()
    return SearchResult(Results(ordered(rows, params), total), total, facets)


# The SQLite side needs the unmanaged model imported for the reverse relation to exist.
__all__ = ["SearchEntry", "SearchParams", "SearchResult", "index_practice", "search"]
