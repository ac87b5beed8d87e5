"""Plain data of a Mini BarCamp: instance, assignments, pins; parsing and validation.

The Django meetings app builds these frozen dataclasses directly; the command line
builds them from JSON with :func:`instance_from_dict` and :func:`assignments_from_list`.
Every check collects all problems before raising, so a user fixes a file in one pass.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InstanceError, ScheduleError

SCHEMA = "cityloom-barcamp-instance/1"


@dataclass(frozen=True)
class Weights:
    """Objective weights; the platform defaults are 1, 5 and 1."""

    overflow: float = 1.0
    unscheduled: float = 5.0
    unscheduled_per_vote: float = 0.0


@dataclass(frozen=True)
class Topic:
    id: str
    proposers: tuple[str, ...] = ()
    forbidden_slots: tuple[str, ...] = ()


@dataclass(frozen=True)
class Participant:
    id: str
    votes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int


@dataclass(frozen=True)
class Instance:
    """Slots are in chronological order; a topic's demand is the number of votes it got."""

    topics: tuple[Topic, ...]
    participants: tuple[Participant, ...]
    rooms: tuple[Room, ...]
    slots: tuple[str, ...]
    weights: Weights = Weights()
    name: str = ""


@dataclass(frozen=True)
class Assignment:
    """One cell of the grid: ``topic`` is held in ``room`` during ``slot``."""

    topic: str
    room: str
    slot: str


@dataclass(frozen=True)
class Pin:
    """A topic forced into a slot, and into a room too unless ``room`` is None."""

    topic: str
    slot: str
    room: str | None = None


# --- parsing -------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _id_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where} must be a list of string ids")
        return ()
    return tuple(value)


def _records(data: Mapping[str, Any], key: str, problems: list[str]) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list):
        problems.append(f"'{key}' must be a list")
        return []
    good = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            problems.append(f"{key}[{i}] must be an object")
        elif not isinstance(item.get("id"), str) or not item.get("id"):
            problems.append(f"{key}[{i}] needs a non-empty string 'id'")
        else:
            good.append(item)
    return good


def _weights(value: Any, problems: list[str]) -> Weights:
    if not isinstance(value, Mapping):
        problems.append("'weights' must be an object with 'overflow' and 'unscheduled'")
        return Weights()
    parsed: dict[str, float] = {}
    for key in ("overflow", "unscheduled", "unscheduled_per_vote"):
        if key not in value:
            # The README defines a missing per-vote weight as 0; the two others are required.
            if key != "unscheduled_per_vote":
                problems.append(f"weights.{key} is missing")
            continue
        number = value[key]
        if not _is_number(number) or number < 0:
            problems.append(f"weights.{key} must be a finite number >= 0, got {number!r}")
        else:
            parsed[key] = float(number)
    return Weights(**parsed)


def instance_from_dict(data: Any) -> Instance:
    """Instance from the JSON document of the README; raises InstanceError listing problems."""
    if not isinstance(data, Mapping):
        raise InstanceError(["the instance must be a JSON object"])
    problems: list[str] = []
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        problems.append(f"unknown schema {schema!r}, expected {SCHEMA!r}")

    slot_ids = []
    raw_slots = data.get("slots")
    if isinstance(raw_slots, list) and all(isinstance(s, str) for s in raw_slots):
        slot_ids = list(raw_slots)  # bare ids are accepted as well as {"id": ...} objects
    else:
        slot_ids = [s["id"] for s in _records(data, "slots", problems)]

    rooms = []
    for i, item in enumerate(_records(data, "rooms", problems)):
        cap = item.get("capacity")
        if _is_number(cap) and float(cap).is_integer() and cap > 0:
            rooms.append(Room(item["id"], int(cap)))
        else:
            problems.append(f"rooms[{i}] ({item['id']}): capacity must be a positive integer")

    topics = []
    for item in _records(data, "topics", problems):
        where = f"topic {item['id']}"
        proposers = _id_list(item.get("proposers", []), f"{where}: proposers", problems)
        forbidden = _id_list(item.get("forbidden_slots", []), f"{where}: forbidden_slots", problems)
        topics.append(Topic(item["id"], proposers, forbidden))

    participants = []
    for item in _records(data, "participants", problems):
        votes = _id_list(item.get("votes", []), f"participant {item['id']}: votes", problems)
        participants.append(Participant(item["id"], votes))

    weights = _weights(data.get("weights"), problems)
    name = data.get("name", "")
    instance = Instance(
        topics=tuple(topics),
        participants=tuple(participants),
        rooms=tuple(rooms),
        slots=tuple(slot_ids),
        weights=weights,
        name=name if isinstance(name, str) else "",
    )
    # "No room" after every room was rejected above would say the same thing twice.
    parsed = list(problems)
    problems += [
        p
        for p in validate_instance(instance)
        if not any(
            p == f"the instance has no {kind}" and any(f"{kind}s" in q for q in parsed)
            for kind in ("slot", "room")
        )
    ]
    if problems:
        raise InstanceError(problems)
    return instance


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def validate_instance(instance: Instance) -> list[str]:
    """Problems of meaning (duplicates, unknown references, bad numbers); empty when sound."""
    problems: list[str] = []
    if not instance.slots:
        problems.append("the instance has no slot")
    if not instance.rooms:
        problems.append("the instance has no room")
    for kind, ids in (
        ("slot", instance.slots),
        ("room", [r.id for r in instance.rooms]),
        ("topic", [t.id for t in instance.topics]),
        ("participant", [p.id for p in instance.participants]),
    ):
        for dup in _duplicates(ids):
            problems.append(f"duplicate {kind} id {dup}")
    for room in instance.rooms:
        if isinstance(room.capacity, bool) or not isinstance(room.capacity, int):
            problems.append(f"room {room.id}: capacity must be an integer")
        elif room.capacity <= 0:
            problems.append(f"room {room.id}: capacity must be positive, got {room.capacity}")
    w = instance.weights
    for key in ("overflow", "unscheduled", "unscheduled_per_vote"):
        value = getattr(w, key)
        if not _is_number(value) or value < 0:
            problems.append(f"weights.{key} must be a finite number >= 0, got {value!r}")

    slots = set(instance.slots)
    people = {p.id for p in instance.participants}
    topics = {t.id for t in instance.topics}
    for topic in instance.topics:
        for dup in _duplicates(topic.proposers):
            problems.append(f"topic {topic.id}: proposer {dup} listed twice")
        for pid in topic.proposers:
            if pid not in people:
                problems.append(f"topic {topic.id}: proposer {pid} is not a participant")
        for sid in topic.forbidden_slots:
            if sid not in slots:
                problems.append(f"topic {topic.id}: forbidden slot {sid} is not a slot")
    for person in instance.participants:
        for dup in _duplicates(person.votes):
            problems.append(f"participant {person.id}: votes twice for {dup}")
        for tid in person.votes:
            if tid not in topics:
                problems.append(f"participant {person.id}: votes for unknown topic {tid}")
    return problems


def assignments_from_list(data: Any, *, what: str = "schedule") -> tuple[Assignment, ...]:
    """Assignments from ``[{"topic", "room", "slot"}, ...]``; raises ScheduleError."""
    if not isinstance(data, list):
        raise ScheduleError([f"the {what} must be a JSON list of {{topic, room, slot}}"])
    problems: list[str] = []
    result = []
    for i, item in enumerate(data):
        if not isinstance(item, Mapping) or not all(
            isinstance(item.get(k), str) for k in ("topic", "room", "slot")
        ):
            problems.append(f"{what}[{i}] must have string 'topic', 'room' and 'slot'")
            continue
        result.append(Assignment(item["topic"], item["room"], item["slot"]))
    if problems:
        raise ScheduleError(problems)
    return tuple(result)


def pins_from_list(data: Any) -> tuple[Pin, ...]:
    """Pins from ``[{"topic", "slot", "room"?}, ...]``; a missing room pins the slot only."""
    if not isinstance(data, list):
        raise ScheduleError(["the pins must be a JSON list of {topic, slot, room?}"])
    problems: list[str] = []
    result = []
    for i, item in enumerate(data):
        room = item.get("room") if isinstance(item, Mapping) else None
        if (
            not isinstance(item, Mapping)
            or not all(isinstance(item.get(k), str) for k in ("topic", "slot"))
            or not (room is None or isinstance(room, str))
        ):
            problems.append(f"pins[{i}] must have string 'topic' and 'slot' (and optional 'room')")
            continue
        result.append(Pin(item["topic"], item["slot"], room))
    if problems:
        raise ScheduleError(problems)
    return tuple(result)


def assignments_to_list(schedule: Iterable[Assignment]) -> list[dict[str, str]]:
    """JSON-ready list of ``{"topic", "room", "slot"}``."""
    return [{"topic": a.topic, "room": a.room, "slot": a.slot} for a in schedule]
