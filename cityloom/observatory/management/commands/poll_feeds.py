"""`cityloom poll_feeds`: poll the feeds whose turn has come (run it from cron or a timer)."""

import time

from django.core.management.base import BaseCommand

from cityloom.observatory import services


class Command(BaseCommand):
    help = (
        "Poll the followed RSS/Atom feeds that are due; --every N keeps doing it every N minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N minutes.")

    def handle(self, *args, every=0, **options):
        while True:
            added = services.poll_due_sources()
            self.stdout.write(f"{len(added)} feeds polled, {sum(added.values())} new items.")
            if not every:
                return
            time.sleep(every * 60)
