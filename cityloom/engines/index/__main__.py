"""`python -m cityloom.engines.index build ...`: see `cli.py`."""

import sys

from .cli import main

sys.exit(main())
