"""Typed errors of the matching engine: each carries the data the app needs to translate it."""

from __future__ import annotations

from collections.abc import Sequence


class MatchingError(Exception):
    """Base class: every error the matching engine raises on purpose."""


class InvalidValueError(MatchingError, ValueError):
    """A field of a request, candidate or weights holds a value the engine cannot use."""

    def __init__(self, *, field: str, value: object, code: str) -> None:
        # `code` is stable ("negative", "not_finite", "out_of_range", ...): the app translates it.
        self.field = field
        self.value = value
        self.code = code
        super().__init__(f"{field}: {code} ({value!r})")


class UnknownAxisError(MatchingError, ValueError):
    """An axis name outside the six axes of the Study."""

    def __init__(self, *, axis: str) -> None:
        self.axis = axis
        super().__init__(f"unknown axis {axis!r}")


class DuplicateIdError(MatchingError, ValueError):
    """Two candidates share a city id, or two requests share a request id."""

    def __init__(self, *, kind: str, id: str) -> None:
        self.kind = kind
        self.id = id
        super().__init__(f"duplicate {kind} id {id!r}")


class SolverError(MatchingError, RuntimeError):
    """The LP solver did not return an optimal vertex (never expected: the LP is always feasible)."""

    def __init__(self, *, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"solver status {status}: {message}")


class InputError(MatchingError, ValueError):
    """Malformed JSON input to the command line: every problem found, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
