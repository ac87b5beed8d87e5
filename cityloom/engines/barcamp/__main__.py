"""``python -m cityloom.engines.barcamp``: see :mod:`.cli`."""

from .cli import main

raise SystemExit(main())
