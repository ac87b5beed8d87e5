from django.core.management.base import BaseCommand, CommandError

from cityloom.core.demo import DEMO_PASSWORD, DemoDataError, demo_files, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo network from the apps' demo/*.yaml data files (idempotent) and print the "
        "demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app", action="append", dest="apps", help="Only this app's files (repeatable)."
        )

    def handle(self, *args, apps=None, **options):
        try:
            loaded = load_demo(files=demo_files(apps) if apps else None)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo loaded: {loaded.created} rows created, {loaded.updated} updated, "
            f"{loaded.steps} steps run."
        )
        if options["verbosity"] > 1:
            for change in loaded.changes:
                self.stdout.write(f"  updated {change}")
        if loaded.accounts:
            self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for email, role in loaded.accounts.items():
                self.stdout.write(f"  {email:38} {role}")
