"""Full-text search, one layer over two engines, for every app that searches its rows.

An app describes each row it indexes as a `Document`: its id and, per language, a title and a
body. The layer folds accents and word forms the same way everywhere (`core.stemming`):

- SQLite (the embedded default): an FTS5 table `<table>` (created by the app's migration with
  `sqlite_table_sql`), `unicode61 remove_diacritics 2`, holding the text already run through
  `stems`; queries are stemmed the same way, each stem quoted (no FTS5 syntax gets through).
- PostgreSQL (production): a `tsvector` column with a GIN index (`postgres_index_sql`), built
  with the text search configuration of each part's language (`cityloom_en|fr|es`: Snowball
  stemmers behind `unaccent`, created by the practices migration) plus the same light stems as
  SQLite in the `simple` configuration; a query is tried in every configuration, so a French
  query finds a Spanish cognate on both engines.

An app makes one `FullTextIndex` for its model and calls `index` from its services whenever the
text changes (inside the service's transaction), `match` to filter a queryset, and
`in_title`/`rank` to order it. Core imports no app: the model is given.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from .stemming import query_stems, stems

PG_CONFIGS = {"en": "cityloom_en", "fr": "cityloom_fr", "es": "cityloom_es"}

__all__ = [
    "PG_CONFIGS",
    "Document",
    "FullTextIndex",
    "postgres_index_sql",
    "sqlite_table_sql",
]


@dataclass(frozen=True)
class Document:
    """One indexed row: `parts` are (language, title, body), the original first.

    For an index with a `group_field` (forum posts grouped by thread), `group` is the row's
    group and `slot` its place in the group (a post's position), below GROUP_STRIDE.
    """

    pk: int
    parts: Sequence[tuple[str, str, str]]
    group: int | None = None
    slot: int = 0

    @property
    def title(self) -> str:
        return " ".join(p[1] for p in self.parts)

    @property
    def body(self) -> str:
        return " ".join(p[2] for p in self.parts)


# On SQLite, the entry of a grouped row is keyed `group * GROUP_STRIDE + slot`: the groups of
# the matches come from the index's own doclists (`rowid / GROUP_STRIDE`), with no row read.
GROUP_STRIDE = 1 << 24


def sqlite_table_sql(table: str) -> str:
    """The FTS5 table of an index (for the app's migration)."""
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 2')"
    )


def postgres_index_sql(name: str, table: str, column: str = "search_vector") -> str:
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column})"


def _quoted(terms: Iterable[str]) -> str:
    # Stems are [0-9a-z]+ only: quoting each one leaves no FTS5 syntax to inject.
    return " ".join(f'"{t}"' for t in terms)


class _Sqlite:
    vendor = "sqlite"

    def __init__(self, fts_table: str, grouped: bool = False):
        self.table, self.grouped = fts_table, grouped

    def key(self, document: Document) -> int:
        if not self.grouped:
            return document.pk
        if not 0 <= document.slot < GROUP_STRIDE:
            raise ValueError(f"slot {document.slot} out of the index's range")
        return document.group * GROUP_STRIDE + document.slot

    def write(self, documents: list[Document]) -> None:
        values = [
            (self.key(d), " ".join(stems(d.title)), " ".join(stems(d.body))) for d in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {self.table} WHERE rowid = %s", [(v[0],) for v in values]
            )
            cursor.executemany(
                f"INSERT INTO {self.table} (rowid, title, body) VALUES (%s, %s, %s)", values
            )

    def remove(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.table} WHERE rowid = %s", [(i,) for i in ids])

    def matching(self, expression: str) -> RawSQL:
        return RawSQL(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", [expression])

    def match(self, rows: QuerySet, q: str, column: str) -> QuerySet | None:
        terms = query_stems(q)
        if not terms:
            return None
        # `+id IN (FTS subquery)`: the unary plus stops SQLite from fetching each match by its
        # primary key (a read of the wide row); it can scan a covering index instead, which
        # answers the caller's filters and order without the table.
        unindexed = Func(F(column), template="+%(expressions)s", output_field=BigIntegerField())
        return rows.alias(_fts_unindexed=unindexed).filter(
            _fts_unindexed__in=self.matching(_quoted(terms))
        )

    def groups(self, q: str) -> RawSQL | None:
        terms = query_stems(q)
        if not terms:
            return None
        return RawSQL(
            f"SELECT rowid / {GROUP_STRIDE} FROM {self.table} WHERE {self.table} MATCH %s",
            [_quoted(terms)],
        )

    def newest_groups(self, q: str, chunk: int):
        terms = query_stems(q)
        if not terms:
            return None
        table, expression = self.table, _quoted(terms)

        def chunks():
            below = None
            while True:
                where = f"{table} MATCH %s" + (" AND rowid < %s" if below is not None else "")
                params = [expression, *([below] if below is not None else []), chunk]
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s",
                        params,
                    )
                    keys = [row[0] for row in cursor.fetchall()]
                if not keys:
                    return
                yield list(dict.fromkeys(k // GROUP_STRIDE for k in keys))
                if len(keys) < chunk:
                    return
                # The next chunk starts below the last group seen, whole: groups never repeat.
                below = keys[-1] // GROUP_STRIDE * GROUP_STRIDE

        return chunks()

    def in_title(self, q: str, column: str):
        """1 when every word of `q` is in the title, else 0 (bm25 would read every match's row
        sizes: on 100,000 rows that is the slowest part)."""
        expression = "title : (" + _quoted(query_stems(q)) + ")"
        return Case(
            When(**{f"{column}__in": self.matching(expression)}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )


class _Postgres:
    """Snowball stemming per language (behind unaccent), plus the cross-language light stems.

    Snowball's Spanish stemmer expects accents (`-ación`) that unaccent has already removed, and
    stems of different languages rarely meet; the `simple` lexemes of `core.stemming.stems` give
    the same cross-language matches as on SQLite.
    """

    vendor = "postgresql"

    def __init__(self, model, field: str):
        self.model, self.field = model, field

    @staticmethod
    def vector(document: Document):
        vector = None
        for language, title, body in document.parts:
            config = PG_CONFIGS.get(language, "cityloom_en")
            for text, weight in ((title, "A"), (body, "B")):
                for piece in (
                    SearchVector(Value(text), config=config, weight=weight),
                    SearchVector(Value(" ".join(stems(text))), config="simple", weight=weight),
                ):
                    vector = piece if vector is None else vector + piece
        return vector

    def write(self, documents: list[Document]) -> None:
        if len(documents) == 1:
            document = documents[0]
            self.model._default_manager.filter(pk=document.pk).update(
                **{self.field: self.vector(document)}
            )
            return
        # One statement per batch: the vectors are computed by PostgreSQL from the texts sent.
        values, params = [], []
        for document in documents:
            for language, title, body in document.parts:
                values.append("(%s, %s::regconfig, %s, %s, %s, %s)")
                params += [
                    document.pk, PG_CONFIGS.get(language, "cityloom_en"), title, body,
                    " ".join(stems(title)), " ".join(stems(body)),
                ]  # fmt: skip
        if not values:
            return
        table, pk = self.model._meta.db_table, self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} p SET {self.field} = v.vector FROM ("
                " SELECT id, string_agg(part::text, ' ')::tsvector AS vector FROM ("
                "  SELECT id, setweight(to_tsvector(cfg, title), 'A')"
                "   || setweight(to_tsvector(cfg, body), 'B')"
                "   || setweight(to_tsvector('simple', stitle), 'A')"
                "   || setweight(to_tsvector('simple', sbody), 'B') AS part"
                f"  FROM (VALUES {', '.join(values)}) AS t(id, cfg, title, body, stitle, sbody)"
                " ) AS parts GROUP BY id"
                f") AS v WHERE p.{pk} = v.id",
                params,
            )

    def remove(self, ids: list[int]) -> None:
        self.model._default_manager.filter(pk__in=ids).update(**{self.field: None})

    def query(self, q: str):
        terms = query_stems(q)
        if not terms:
            return None
        combined = SearchQuery(" ".join(terms), config="simple", search_type="plain")
        for config in PG_CONFIGS.values():
            combined |= SearchQuery(q, config=config, search_type="plain")
        return combined

    def match(self, rows: QuerySet, q: str, column: str) -> QuerySet | None:
        query = self.query(q)
        if query is None:
            return None
        if column == "id":
            return rows.filter(**{self.field: query})
        # Rows of another model: those whose `column` names a matching row of ours.
        matching = self.model._default_manager.filter(**{self.field: query}).values("pk")
        return rows.filter(**{f"{column}__in": matching})

    def rank(self, q: str):
        return SearchRank(F(self.field), self.query(q))

    def groups(self, q: str, group_field: str):
        query = self.query(q)
        if query is None:
            return None
        return (
            self.model._default_manager.filter(**{self.field: query}).order_by().values(group_field)
        )


class FullTextIndex:
    """The search index of one model: an FTS5 table on SQLite, a tsvector column on PostgreSQL.

    `model` is the indexed model, `fts_table` its FTS5 table (rowid = the model's id) and
    `field` its `SearchVectorField`.
    """

    def __init__(
        self, model, *, fts_table: str, field: str = "search_vector", group_field: str = ""
    ):
        self.model, self.fts_table, self.field = model, fts_table, field
        self.group_field = group_field  # e.g. "thread_id": see `groups`

    @property
    def engine(self):
        if connection.vendor == "postgresql":
            return _Postgres(self.model, self.field)
        return _Sqlite(self.fts_table, grouped=bool(self.group_field))

    @property
    def vendor(self) -> str:
        return connection.vendor

    def index(self, documents: Document | list[Document]) -> None:
        """Write (or replace) the entries of these documents, inside the caller's transaction."""
        documents = [documents] if isinstance(documents, Document) else list(documents)
        if documents:
            self.engine.write(documents)

    def remove(self, ids: int | Document | list) -> None:
        """Remove entries, named by the rows' ids, or by their Documents (a grouped index)."""
        ids = [ids] if isinstance(ids, int | Document) else list(ids)
        engine = self.engine
        keys = [
            (engine.key(i) if isinstance(engine, _Sqlite) else i.pk)
            if isinstance(i, Document)
            else i
            for i in ids
        ]
        if keys:
            engine.remove(keys)

    def match(self, rows: QuerySet, q: str, *, column: str = "id") -> QuerySet | None:
        """`rows` whose `column` (an id of the indexed model) matches every word of `q`; None
        if `q` has no word to search for."""
        return self.engine.match(rows, q, column)

    def groups(self, q: str):
        """A subquery of the groups (`group_field` values) of the rows matching every word of
        `q`, for `filter(pk__in=...)`; None if `q` has no word. On SQLite it reads the index's
        doclists alone (the group is in each entry's key), never a row."""
        engine = self.engine
        if isinstance(engine, _Postgres):
            return engine.groups(q, self.group_field)
        return engine.groups(q)

    def newest_groups(self, q: str, *, chunk: int = 500):
        """On SQLite, the groups matching every word of `q`, newest (highest id) first, in
        lists of up to `chunk` entries read straight from the index's doclists (a common word
        costs no more than a rare one: reading stops when the caller has enough). None if `q`
        has no word, or on PostgreSQL (use `groups`)."""
        engine = self.engine
        if isinstance(engine, _Postgres):
            return None
        return engine.newest_groups(q, chunk)

    def relevance(self, q: str, *, column: str = "id"):
        """An expression to order matches by, best first: on SQLite 1 when every word is in the
        title, else 0; on PostgreSQL the weighted rank (only for rows of the indexed model)."""
        engine = self.engine
        if isinstance(engine, _Postgres):
            return engine.rank(q)
        return engine.in_title(q, column)
