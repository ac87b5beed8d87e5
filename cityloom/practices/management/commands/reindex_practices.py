from django.core.management.base import BaseCommand

from cityloom.practices.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text index of the practices (SQLite FTS5 or PostgreSQL)."

    def handle(self, *args, **options):
        self.stdout.write(f"{reindex_all()} practices indexed.")
