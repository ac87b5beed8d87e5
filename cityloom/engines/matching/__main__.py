"""`python -m cityloom.engines.matching`: see `cli`."""

from .cli import main

raise SystemExit(main())
