"""Mini BarCamp session grid: assign voted topics to (room, slot) cells.

Pure Python and NumPy. The meetings app calls :func:`solve` (or :func:`evaluate`)
with the plain dataclasses of :mod:`.model`; ``python -m cityloom.engines.barcamp``
is the command line (see :mod:`.cli`). The problem and its objective are those of
``tests/engines/barcamp/data/README.md``.
"""

from .errors import BarcampError, InfeasibleError, InstanceError, ScheduleError
from .model import (
    Assignment,
    Instance,
    Participant,
    Pin,
    Room,
    Topic,
    Weights,
    assignments_from_list,
    assignments_to_list,
    instance_from_dict,
    pins_from_list,
)
from .scheduler import (
    DEFAULT_SEED,
    Clash,
    LeftOut,
    Overflow,
    Report,
    Solution,
    default_time_limit,
    evaluate,
    solve,
)

__all__ = [
    "DEFAULT_SEED",
    "Assignment",
    "BarcampError",
    "Clash",
    "InfeasibleError",
    "Instance",
    "InstanceError",
    "LeftOut",
    "Overflow",
    "Participant",
    "Pin",
    "Report",
    "Room",
    "ScheduleError",
    "Solution",
    "Topic",
    "Weights",
    "assignments_from_list",
    "assignments_to_list",
    "default_time_limit",
    "evaluate",
    "instance_from_dict",
    "pins_from_list",
    "solve",
]
