"""The search index of each engine: an FTS5 table on SQLite; unaccent, configurations and a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    # The text is stored already stemmed (see core/stemming.py); unicode61 folds the rest.
    "CREATE VIRTUAL TABLE IF NOT EXISTS practices_practice_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS practices_practice_fts"]

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    *[
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'cityloom_{code}') THEN
            CREATE TEXT SEARCH CONFIGURATION cityloom_{code} (COPY = {name});
            ALTER TEXT SEARCH CONFIGURATION cityloom_{code}
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {name}_stem;
          END IF;
        END $$;
        """
        for code, name in (("en", "english"), ("fr", "french"), ("es", "spanish"))
    ],
    "CREATE INDEX IF NOT EXISTS practice_search_gin ON practices_practice USING gin (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS practice_search_gin",
    *[f"DROP TEXT SEARCH CONFIGURATION IF EXISTS cityloom_{code}" for code in ("en", "fr", "es")],
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
