"""Typed errors of the BarCamp engine; each carries the list of problems found."""

from __future__ import annotations


class BarcampError(Exception):
    """Base class: ``problems`` holds one human-readable line per problem."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))


class InstanceError(BarcampError):
    """The instance is malformed (missing fields, unknown or duplicate ids, bad numbers)."""


class ScheduleError(BarcampError):
    """A schedule, pin list or previous schedule is malformed (wrong shape, duplicates)."""


class InfeasibleError(BarcampError):
    """The pins cannot all hold at once (same cell, forbidden slot, proposer clash...)."""
