"""The shape of what the observatory's trends count, shared by every app that feeds them.

Each kind of dated item (publications, practices, later the forum's threads) comes from one
function `(start, end) -> list[Item]` in its own app, named by path in
`cityloom.observatory.trends.ITEM_SOURCES`: the apps build `Item`s from here, so neither side
imports the other.
"""

import datetime as dt
from dataclasses import dataclass

__all__ = ["Item", "start_of"]


@dataclass(frozen=True)
class Item:
    """One dated item: the day it appeared, its axes, its tag names, and text to search."""

    on: dt.date
    axes: tuple[str, ...]
    tags: tuple[str, ...]
    text: str


def start_of(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of `day`: item sources filter their timestamps with it."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
