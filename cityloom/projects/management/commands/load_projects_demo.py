from django.core.management.base import BaseCommand, CommandError

from cityloom.core.demo import DemoDataError, demo_files, load_demo


class Command(BaseCommand):
    help = (
        "Load the projects' demo data (cityloom/projects/demo/projects.yaml) over the network "
        "and meetings demo; idempotent."
    )

    def handle(self, *args, **options):
        try:
            loaded = load_demo(files=demo_files(["projects"]))
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"projects demo: {loaded.created} created, {loaded.updated} updated, "
            f"{loaded.steps} steps"
        )
