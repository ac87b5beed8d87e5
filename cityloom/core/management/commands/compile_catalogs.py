"""Compile the gettext catalogs with polib (no GNU gettext needed) and refuse incomplete ones."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo; fail on empty or fuzzy entries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check, write nothing.")

    def handle(self, *args, check=False, **options):
        problems = []
        # The project catalog, plus each domain app's own (domains are translated side by side).
        app_locales = [
            Path(c.path) / "locale"
            for c in apps.get_app_configs()
            if c.name.startswith("cityloom.")
        ]
        for locale_dir in [*settings.LOCALE_PATHS, *app_locales]:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                for entry in catalog:
                    if entry.obsolete:
                        continue
                    if "fuzzy" in entry.flags:
                        problems.append(f"{po_path}:{entry.linenum}: fuzzy: {entry.msgid!r}")
                    elif not entry.translated():
                        problems.append(f"{po_path}:{entry.linenum}: untranslated: {entry.msgid!r}")
                if not check:
                    catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Catalogs complete." if check else "Catalogs compiled.")
