from django.core.management.base import BaseCommand

from cityloom.study.demo import load_demo


class Command(BaseCommand):
    help = "Load the Smart Cities Study demo: the 2012 and 2014 editions, computed and published."

    def handle(self, *args, **options):
        editions = load_demo()
        self.stdout.write(f"Study demo ready: {', '.join(e.title for e in editions)}.")
