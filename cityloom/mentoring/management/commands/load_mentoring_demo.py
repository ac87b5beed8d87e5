from django.core.management.base import BaseCommand, CommandError

from cityloom.mentoring.demo import load_demo
from cityloom.network.models import Commission


class Command(BaseCommand):
    help = "Load the demo mentoring (Bilbao-Bordeaux, Bilbao-Johannesburg); idempotent."

    def handle(self, *args, **options):
        if not Commission.objects.filter(slug="digital-cities").exists():
            raise CommandError("Load the demo network first: cityloom load_demo")
        created = load_demo()
        self.stdout.write(
            f"Demo programmes created: {', '.join(created) or 'none (already there)'}"
        )
