"""Mini BarCamp session grid: assign voted topics to (room, slot) cells.

Pure Python and NumPy; the problem and its objective are those of
``tests/engines/barcamp/data/README.md``. The meetings app builds an
:class:`Instance` from plain data and calls::

    solution = solve(instance, pins=(Pin("T1", "S2", "R1"),), seed=7)
    solution.schedule        # tuple of Assignment(topic, room, slot)
    solution.report          # objective, its parts, clashes, overflows, left-out topics

    # The day before: re-plan from the published grid with few moves.
    solve(changed, previous=published_grid, move_penalty=2.0)

:func:`evaluate` scores a grid edited by hand with the same :class:`Report`.
Errors are typed (:class:`InstanceError`, :class:`ScheduleError`,
:class:`InfeasibleError`) and carry one line per problem in ``.problems``.
``python -m cityloom.engines.barcamp`` is the command line (see :mod:`.cli`).
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
