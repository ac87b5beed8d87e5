from django.core.management.base import BaseCommand

from cityloom.forum.services import ensure_all_boards


class Command(BaseCommand):
    help = (
        "Create the boards that should exist: six axis boards per commission, one per "
        "collaborative project and per working meeting (idempotent)."
    )

    def handle(self, *args, **options):
        created = ensure_all_boards()
        self.stdout.write(f"forum boards: {created} created")
