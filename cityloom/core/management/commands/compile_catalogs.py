"""Compile the gettext catalogs with polib (no GNU gettext needed) and refuse wrong ones.

Wrong is what `cityloom.core.catalogs` finds: fuzzy or empty entries, plural entries short of
the language's forms, truncated translations, a term translated otherwise than the glossary
says or differently in two catalogs.

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

from cityloom.core import catalogs


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


def catalog_paths() -> list[Path]:
    """The project catalog, plus each domain app's own (domains are translated side by side)."""
    app_locales = [
        Path(c.path) / "locale" for c in apps.get_app_configs() if c.name.startswith("cityloom.")
    ]
    return [
        po_path
        for locale_dir in [*settings.LOCALE_PATHS, *app_locales]
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))
    ]


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo; fail on wrong or inconsistent entries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check, write nothing.")
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only the catalogs whose .mo is missing or older than their .po.",
        )

    def handle(self, *args, check=False, if_stale=False, **options):
        problems = []
        glossary = catalogs.load_glossary()
        loaded = []
        for po_path in catalog_paths():
            catalog = polib.pofile(str(po_path))
            language = catalogs.language_of(po_path)
            loaded.append((po_path, language, catalog))
            problems += catalogs.entry_problems(catalog, po_path, language, glossary)
            if not check and (not if_stale or _is_stale(po_path)):
                _save_mo(catalog, po_path.with_suffix(".mo"))
        problems += catalogs.inconsistencies(loaded)
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Catalogs complete." if check else "Catalogs compiled.")
