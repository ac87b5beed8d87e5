from django.core.management.base import BaseCommand, CommandError

from cityloom.meetings.demo import load_demo
from cityloom.network.models import Commission


class Command(BaseCommand):
    help = "Load the demo meetings (Bordeaux 2013, smart governance 2014); idempotent."

    def handle(self, *args, **options):
        if not Commission.objects.filter(slug="digital-cities").exists():
            raise CommandError("Load the demo network first: cityloom load_demo")
        created = load_demo()
        self.stdout.write(f"Demo meetings created: {', '.join(created) or 'none (already there)'}")
