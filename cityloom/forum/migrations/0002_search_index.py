"""The forum's entries in the one search layer (`cityloom.core.search`): an FTS5 table on
SQLite, a GIN index on PostgreSQL (the text search configurations come from practices)."""

from django.db import migrations

from cityloom.core.search import postgres_index_sql, sqlite_table_sql

SQLITE_UP = [sqlite_table_sql("forum_post_fts")]
SQLITE_DOWN = ["DROP TABLE IF EXISTS forum_post_fts"]
PG_UP = [postgres_index_sql("forum_post_search_gin", "forum_post")]
PG_DOWN = ["DROP INDEX IF EXISTS forum_post_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial"), ("practices", "0002_search_engines")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
