from django.core.management.base import BaseCommand, CommandError

from cityloom.core.demo import DemoDataError, demo_files, load_demo


class Command(BaseCommand):
    help = "Load communications/demo/communications.yaml (idempotent; needs the network demo)."

    def handle(self, *args, **options):
        try:
            loaded = load_demo(files=demo_files(["communications"]))
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Communications demo loaded: {loaded.created} rows created, {loaded.updated} updated."
        )
