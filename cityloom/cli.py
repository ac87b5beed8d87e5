"""The `cityloom` console command: Django's management commands, plus `cityloom demo`."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cityloom", *sys.argv[1:]])


if __name__ == "__main__":
    main()
