from django.core.management.base import BaseCommand

from cityloom.forum.services import rebuild_counters, reindex_all


class Command(BaseCommand):
    help = "Rebuild the forum's counters and search index (after an import)."

    def handle(self, *args, **options):
        rebuild_counters()
        self.stdout.write(f"forum posts indexed: {reindex_all()}")
