"""Full-text search of practices, one interface over two engines.

SQLite (the embedded default): an FTS5 table, `unicode61 remove_diacritics 2`, holding the text
already run through `core.stemming.stems`; queries are stemmed the same way.
PostgreSQL (production): a `tsvector` column with a GIN index, built with the text search
configuration of the text's language (`cityloom_en|fr|es`: Snowball stemmers behind `unaccent`,
see the migration) plus the same light stems as SQLite; a query is tried in every
configuration, so a French query finds a Spanish cognate on both engines.

`index_practice` is called by the services whenever a practice or its translations change;
`search` filters, counts the facets in one round trip, and orders.
"""

import hashlib
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.core.i18n import country_name
from cityloom.core.stemming import query_stems, stems
from cityloom.core.text import fold
from cityloom.network.models import Region

from .models import CitySize, Practice, PracticeSdg, Sdg, SearchEntry

PG_CONFIGS = {"en": "cityloom_en", "fr": "cityloom_fr", "es": "cityloom_es"}


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
        rows = Practice.objects.filter(id__in=ids).select_related("city").prefetch_related("sdgs")
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


class SqliteBackend:
    vendor = "sqlite"

    def index(self, practice: Practice) -> None:
        title, body, translations = _texts(practice)
        title = " ".join([title, *(t[1] for t in translations)])
        body = " ".join([body, *(t[2] for t in translations)])
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM practices_practice_fts WHERE rowid = %s", [practice.pk])
            cursor.execute(
                "INSERT INTO practices_practice_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [practice.pk, " ".join(stems(title)), " ".join(stems(body))],
            )

    def remove(self, practice_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM practices_practice_fts WHERE rowid = %s", [practice_id])

    def bulk_index(self, rows) -> None:
        values = []
        for practice, title, body, translations in rows:
            title = " ".join([title, *(t[1] for t in translations)])
            body = " ".join([body, *(t[2] for t in translations)])
            values.append((practice.pk, " ".join(stems(title)), " ".join(stems(body))))
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM practices_practice_fts WHERE rowid = %s", [(v[0],) for v in values]
            )
            cursor.executemany(
                "INSERT INTO practices_practice_fts (rowid, title, body) VALUES (%s, %s, %s)",
                values,
            )

    def _matching(self, expression: str) -> RawSQL:
        return RawSQL(
            "SELECT rowid FROM practices_practice_fts WHERE practices_practice_fts MATCH %s",
            [expression],
        )

    def match(self, practices: QuerySet, q: str) -> QuerySet | None:
        terms = query_stems(q)
        if not terms:
            return None
        # Stems are [0-9a-z]+ only: quoting each one leaves no FTS5 syntax to inject.
        expression = " ".join(f'"{t}"' for t in terms)
        # `+id IN (FTS subquery)`: the unary plus stops SQLite from fetching each match by its
        # primary key (a read of the wide row); it scans the covering index `practice_facets`
        # instead, which answers filters, facets and date order without the table.
        unindexed_id = Func(F("id"), template="+%(expressions)s", output_field=BigIntegerField())
        return (
            practices.published()
            .alias(unindexed_id=unindexed_id)
            .filter(unindexed_id__in=self._matching(expression))
        )

    def rank(self, practices: QuerySet, q: str) -> QuerySet:
        # Two tiers, newest first in each: all words in the title, then elsewhere. (bm25 would
        # read every match's row sizes: 100,000 practices make that the slowest part.)
        expression = "title : (" + " ".join(f'"{t}"' for t in query_stems(q)) + ")"
        in_title = Case(
            When(id__in=self._matching(expression), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return practices.annotate(rank=in_title).order_by("-rank", "-published_at", "-id")


class PostgresBackend:
    """Snowball stemming per language (behind unaccent), plus the cross-language light stems.

    Snowball's Spanish stemmer expects accents (`-ación`) that unaccent has already removed, and
    stems of different languages rarely meet; the `simple` lexemes of `core.stemming.stems` give the
    same cross-language matches as on SQLite.
    """

    vendor = "postgresql"

    def vector(self, practice: Practice):
        title, body, translations = _texts(practice)
        parts = [(practice.language, title, body), *translations]
        vector = None
        for language, t_title, t_body in parts:
            config = PG_CONFIGS.get(language, "cityloom_en")
            for text, weight in ((t_title, "A"), (t_body, "B")):
                for piece in (
                    SearchVector(Value(text), config=config, weight=weight),
                    SearchVector(Value(" ".join(stems(text))), config="simple", weight=weight),
                ):
                    vector = piece if vector is None else vector + piece
        return vector

    def index(self, practice: Practice) -> None:
        Practice.objects.filter(pk=practice.pk).update(search_vector=self.vector(practice))

    def remove(self, practice_id: int) -> None:
        Practice.objects.filter(pk=practice_id).update(search_vector=None)

    def bulk_index(self, rows) -> None:
        # One statement per batch: the vectors are computed by PostgreSQL from the texts sent.
        values, params = [], []
        for practice, title, body, translations in rows:
            parts = [(practice.language, title, body), *translations]
            for language, t_title, t_body in parts:
                config = PG_CONFIGS.get(language, "cityloom_en")
                values.append("(%s, %s::regconfig, %s, %s, %s, %s)")
                params += [
                    practice.pk, config, t_title, t_body,
                    " ".join(stems(t_title)), " ".join(stems(t_body)),
                ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE practices_practice p SET search_vector = v.vector FROM ("
                " SELECT id, string_agg(part::text, ' ')::tsvector AS vector FROM ("
                "  SELECT id, setweight(to_tsvector(cfg, title), 'A')"
                "   || setweight(to_tsvector(cfg, body), 'B')"
                "   || setweight(to_tsvector('simple', stitle), 'A')"
                "   || setweight(to_tsvector('simple', sbody), 'B') AS part"
                f"  FROM (VALUES {', '.join(values)}) AS t(id, cfg, title, body, stitle, sbody)"
                " ) AS parts GROUP BY id"
                ") AS v WHERE p.id = v.id",
                params,
            )

    def query(self, q: str):
        terms = query_stems(q)
        if not terms:
            return None
        combined = SearchQuery(" ".join(terms), config="simple", search_type="plain")
        for config in PG_CONFIGS.values():
            combined |= SearchQuery(q, config=config, search_type="plain")
        return combined

    def match(self, practices: QuerySet, q: str) -> QuerySet | None:
        query = self.query(q)
        if query is None:
            return None
        return practices.published().filter(search_vector=query)

    def rank(self, practices: QuerySet, q: str) -> QuerySet:
        return practices.annotate(rank=SearchRank(F("search_vector"), self.query(q))).order_by(
            "-rank", "-published_at", "-id"
        )


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


def index_practice(practice: Practice) -> None:
    """Refresh the practice's entry in the search index (inside the caller's transaction)."""
    practice = (
        Practice.objects.select_related("city")
        .prefetch_related("tags", "translations")
        .get(pk=practice.pk)
    )
    backend().index(practice)


def reindex_all(*, batch_size: int = 2000) -> int:
    """Rebuild the whole index (after an import, or to change the stemmer); returns the count."""
    count = 0
    ids = list(Practice.objects.order_by("id").values_list("id", flat=True))
    engine = backend()
    for start in range(0, len(ids), batch_size):
        chunk = (
            Practice.objects.filter(id__in=ids[start : start + batch_size])
            .select_related("city")
            .prefetch_related("tags", "translations")
        )
        rows = [(p, *_texts(p)) for p in chunk]
        engine.bulk_index(rows)
        count += len(rows)
    return count


def remove_practice(practice_id: int) -> None:
    backend().remove(practice_id)


def filtered(params: SearchParams, practices: QuerySet | None = None) -> QuerySet | None:
    """Published practices matching the text and every facet; None if the query has no word."""
    rows = Practice.objects.all() if practices is None else practices
    if params.q.strip():
        rows = backend().match(rows, params.q)
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
        return backend().rank(rows, params.q)
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
