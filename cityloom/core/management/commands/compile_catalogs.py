"""Compile the gettext catalogs with polib (no GNU gettext needed) and refuse incomplete ones.

The .mo files are build products, ignored by git and compiled beside their .po before use:
by `make test`, `cityloom demo`, a release (README) and the test session (stale ones only).
"""

import os
import tempfile
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _is_stale(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    return not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime


def _save_mo(catalog: polib.POFile, mo_path: Path) -> None:
    # Written aside, then renamed: a process reading the catalogs never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=".compiling-", suffix=".mo")
    os.close(fd)
    try:
        catalog.save_as_mofile(tmp)
        Path(tmp).chmod(0o644)
        os.replace(tmp, mo_path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo; fail on empty or fuzzy entries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check, write nothing.")
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only the catalogs whose .mo is missing or older than their .po.",
        )

    def handle(self, *args, check=False, if_stale=False, **options):
        problems = []
        # The project catalog, plus each domain app's own (domains are translated side by side).
        app_locales = [
            Path(c.path) / "locale"
            for c in apps.get_app_configs()
            if c.name.startswith("cityloom.")
        ]
        for locale_dir in [*settings.LOCALE_PATHS, *app_locales]:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                if if_stale and not _is_stale(po_path):
                    continue
                catalog = polib.pofile(str(po_path))
                for entry in catalog:
                    if entry.obsolete:
                        continue
                    if "fuzzy" in entry.flags:
                        problems.append(f"{po_path}:{entry.linenum}: fuzzy: {entry.msgid!r}")
                    elif not entry.translated():
                        problems.append(f"{po_path}:{entry.linenum}: untranslated: {entry.msgid!r}")
                if not check:
                    _save_mo(catalog, po_path.with_suffix(".mo"))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Catalogs complete." if check else "Catalogs compiled.")
