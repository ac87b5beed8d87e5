from django.core.management.base import BaseCommand

from cityloom.observatory.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo publications and watch list of the observatory."

    def handle(self, *args, **options):
        self.stdout.write(f"{load_demo()} demo publications ready.")
