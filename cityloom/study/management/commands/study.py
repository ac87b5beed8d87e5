"""`cityloom study import-framework FILE`: the Study's command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cityloom.study.services.frameworks import FrameworkImportError, import_framework_file


class Command(BaseCommand):
    help = "Smart Cities Study: import-framework FILE."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        imp = commands.add_parser(
            "import-framework", help="Import an indicator framework from a YAML file."
        )
        imp.add_argument("file", type=Path)

    def handle(self, *args, subcommand, **options):
        if subcommand == "import-framework":
            path = options["file"]
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                framework = import_framework_file(path)
            except FrameworkImportError as exc:
                # One line per problem; nothing was imported.
                raise CommandError("\n".join(exc.messages)) from None
            count = framework.nodes.filter(is_indicator=True).count()
            self.stdout.write(f"Imported {framework.slug}: {count} indicators.")
