from django.core.management.base import BaseCommand

from cityloom.practices.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo good practices (after the demo network)."

    def handle(self, *args, **options):
        self.stdout.write(f"{load_demo()} demo practices ready.")
