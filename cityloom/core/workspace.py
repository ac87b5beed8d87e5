"""The registry behind "My space": each app says what is waiting for a person, the page lists it.

An app with pending work declares it in `cityloom/<app>/workspace.py` with one function,
`pending(user) -> list[Item]`, that reads through the app's own queries with a constant number
of queries and returns nothing for a person it does not concern. This module finds those
functions among the installed apps; the page knows no app's internals.
"""

import datetime as dt
import functools
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Item:
    """One thing waiting for a person, with one link to act on it."""

    label: str  # a whole translated sentence with the count in it
    count: int
    url: str
    since: dt.datetime | None = None  # when the oldest pending thing started waiting
    group: str = ""  # short translated heading of the domain
    # Optional: a deadline, and a progress (done out of total) shown as a bar with its text.
    due: dt.date | None = None
    done: int | None = None
    total: int | None = None

    @property
    def has_progress(self) -> bool:
        return self.done is not None and bool(self.total)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.has_progress else 0


Provider = Callable[[object], list[Item]]


@functools.cache
def providers() -> tuple[Provider, ...]:
    """The `pending` function of every installed cityloom app that has a `workspace` module,
    in the order of INSTALLED_APPS (found once per process)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cityloom."):
            continue
        name = f"{config.name}.workspace"
        if config.name == __package__ or importlib.util.find_spec(name) is None:
            continue
        found.append(importlib.import_module(name).pending)
    return tuple(found)


def pending(user) -> list[Item]:
    """Everything waiting for `user`, grouped by domain (domains in the order of the apps)."""
    if not user.is_authenticated:
        return []
    items = [item for provider in providers() for item in provider(user)]
    first_seen: dict[str, int] = {}
    for position, item in enumerate(items):
        first_seen.setdefault(item.group, position)
    return sorted(items, key=lambda item: first_seen[item.group])


def grouped(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """Items as (group, its items) pairs, in the order given."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return list(groups.items())
