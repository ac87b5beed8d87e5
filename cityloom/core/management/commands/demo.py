"""`cityloom demo`: a ready network on SQLite, served at http://127.0.0.1:8000/ with a task worker."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cityloom.network.models import City

DOMAIN_DEMOS = [
    "load_practices_demo",
    "load_observatory_demo",
    "load_study_demo",
    "load_meetings_demo",
    "load_mentoring_demo",
]


class Command(BaseCommand):
    help = "Migrate, import the cities, load the demo network, and serve it with a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the database only.")

    def handle(self, *args, addrport, no_serve, **options):
        call_command("compile_catalogs", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        if City.objects.count() < 30000:
            self.stdout.write("Importing the world's cities from GeoNames (once)…")
            call_command("import_cities")
        call_command("load_demo")
        # Each domain's demo, in the order their data depends on each other.
        for command in DOMAIN_DEMOS:
            self.stdout.write(f"{command}…")
            call_command(command, verbosity=0)
        if no_serve:
            return
        # The worker is a second process, as in production: e-mails and long work leave the request.
        helpers = [
            subprocess.Popen([sys.executable, "-m", "cityloom.cli", "db_worker"]),
            # The observatory's feeds are polled on a schedule, as cron would in production.
            subprocess.Popen([sys.executable, "-m", "cityloom.cli", "poll_feeds", "--every", "15"]),
        ]
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            for process in helpers:
                process.terminate()
                process.wait(timeout=10)
