"""The command line's JSON format: parsing with every problem reported, and serialising.

Input (one object; `weights`, `min_suitability` and `limit` are optional):

    {
      "weights": {"strength": 0.35, "practices": 0.3, "language": 0.15,
                  "context": 0.1, "capacity": 0.1},
      "min_suitability": 0.0,
      "limit": 10,
      "candidates": [
        {"city_id": "lisbon", "axis_scores": {"mobility": 78.2}, "axis_ranks": {"mobility": 3},
         "n_ranked": 28, "practice_texts": ["Cycling network ..."], "languages": ["pt", "en"],
         "region": "south", "population": 545000, "capacity": 2, "active_programmes": 1}
      ],
      "requests": [
        {"id": "r1", "city_id": "bilbao", "axes": ["mobility"], "need_text": "Safer cycling",
         "languages": ["es", "en"], "region": "south", "population": 345000}
      ]
    }

In a candidate only `city_id` is required (no scores, practices or capacity otherwise); in a
request `id` and `city_id`. An axis score may be null (no score).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .assignment import Assignment
from .errors import InputError, InvalidValueError, MatchingError, UnknownAxisError
from .model import CRITERIA, Candidate, Request, Weights
from .suggestion import Suggestions


@dataclass(frozen=True)
class MatchingInput:
    candidates: tuple[Candidate, ...]
    requests: tuple[Request, ...]
    weights: Weights
    min_suitability: float
    limit: int


def parse_input(data: object) -> MatchingInput:
    """Validate decoded JSON; raises `InputError` listing every problem, one per line."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InputError(["input: must be a JSON object"])
    weights = _parse(problems, "weights", data.get("weights", {}), _weights)
    min_suitability = data.get("min_suitability", 0.0)
    if not _is_number(min_suitability) or not 0.0 <= min_suitability <= 1.0:
        problems.append("min_suitability: must be a number between 0 and 1")
    limit = data.get("limit", 10)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        problems.append("limit: must be an integer >= 1")
    candidates = _items(problems, data, "candidates", _candidate)
    requests = _items(problems, data, "requests", _request)
    for kind, ids in (
        ("candidates", [c.city_id for c in candidates]),
        ("requests", [r.id for r in requests]),
    ):
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"{kind}: duplicate id {duplicate!r}")
    if problems or weights is None:
        raise InputError(problems)
    return MatchingInput(
        candidates=tuple(candidates),
        requests=tuple(requests),
        weights=weights,
        min_suitability=float(min_suitability),
        limit=limit,
    )


def _items(
    problems: list[str], data: Mapping[str, Any], key: str, parse: Callable[[Any], Any]
) -> list[Any]:
    items = data.get(key)
    if not isinstance(items, list):
        problems.append(f"{key}: must be a list")
        return []
    parsed = [_parse(problems, f"{key}[{n}]", item, parse) for n, item in enumerate(items)]
    return [item for item in parsed if item is not None]


def _parse(problems: list[str], path: str, value: object, parse: Callable[[Any], Any]) -> Any:
    try:
        return parse(value)
    except _FieldErrors as errors:
        problems.extend(f"{path}{error.field}: {error.message}" for error in errors.errors)
    except UnknownAxisError as error:
        problems.append(f"{path}: unknown axis {error.axis!r}")
    except InvalidValueError as error:
        problems.append(f"{path}.{error.field}: {error.code.replace('_', ' ')} ({error.value!r})")
    except MatchingError as error:
        problems.append(f"{path}: {error}")
    return None


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = f".{field}" if field else ""
        self.message = message
        super().__init__(f"{field}: {message}")


class _FieldErrors(Exception):
    """Every malformed field of one item: all are reported, not only the first."""

    def __init__(self, errors: list[_FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _fields(item: Mapping[str, Any], parsers: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    values, errors = {}, []
    for name, parse in parsers.items():
        try:
            values[name] = parse()
        except _FieldError as error:
            errors.append(error)
    if errors:
        raise _FieldErrors(errors)
    return values


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _object(value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _FieldErrors([_FieldError("", "must be an object")])
    return value


def _string(item: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _FieldError(key, "must be a non-empty string")
    return value


def _number(item: Mapping[str, Any], key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if not _is_number(value):
        raise _FieldError(key, "must be a number")
    return float(value)


def _integer(item: Mapping[str, Any], key: str, default: int) -> int:
    value = item.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _FieldError(key, "must be an integer")
    return value


def _strings(item: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _FieldError(key, "must be a list of strings")
    return tuple(value)


def _axis_map(item: Mapping[str, Any], key: str, *, integer: bool) -> dict[str, Any]:
    value = item.get(key, {})
    if not isinstance(value, dict):
        raise _FieldError(key, "must be an object")
    result: dict[str, Any] = {}
    for axis, entry in value.items():
        if entry is None and not integer:
            result[axis] = math.nan
        elif integer and isinstance(entry, int) and not isinstance(entry, bool):
            result[axis] = entry
        elif not integer and _is_number(entry):
            result[axis] = float(entry)
        else:
            raise _FieldError(
                f"{key}.{axis}", "must be an integer" if integer else "must be a number"
            )
    return result


def _weights(value: object) -> Weights:
    item = _object(value)
    unknown = sorted(set(item) - {c.value for c in CRITERIA})
    if unknown:
        raise _FieldErrors([_FieldError(key, "unknown criterion") for key in unknown])
    defaults = Weights()
    numbers = _fields(item, {c.value: (lambda key=c.value: _number(item, key)) for c in CRITERIA})
    return Weights(
        **{
            key: getattr(defaults, key) if number is None else number
            for key, number in numbers.items()
        }
    )


def _candidate(value: object) -> Candidate:
    item = _object(value)
    fields = _fields(
        item,
        {
            "city_id": lambda: _string(item, "city_id", required=True),
            "axis_scores": lambda: _axis_map(item, "axis_scores", integer=False),
            "axis_ranks": lambda: _axis_map(item, "axis_ranks", integer=True),
            "n_ranked": lambda: _integer(item, "n_ranked", 0),
            "practice_texts": lambda: _strings(item, "practice_texts"),
            "languages": lambda: frozenset(_strings(item, "languages")),
            "region": lambda: _string(item, "region"),
            "population": lambda: _number(item, "population"),
            "capacity": lambda: _integer(item, "capacity", 0),
            "active_programmes": lambda: _integer(item, "active_programmes", 0),
        },
    )
    return Candidate(**fields)


def _need_text(item: Mapping[str, Any]) -> str:
    need_text = item.get("need_text", "")
    if not isinstance(need_text, str):
        raise _FieldError("need_text", "must be a string")
    return need_text


def _request(value: object) -> Request:
    item = _object(value)
    fields = _fields(
        item,
        {
            "id": lambda: _string(item, "id", required=True),
            "city_id": lambda: _string(item, "city_id", required=True),
            "axes": lambda: _strings(item, "axes"),
            "need_text": lambda: _need_text(item),
            "languages": lambda: frozenset(_strings(item, "languages")),
            "region": lambda: _string(item, "region"),
            "population": lambda: _number(item, "population"),
        },
    )
    return Request(**fields)


def _plain(value: Any) -> Any:
    """JSON-ready copy: dataclasses as objects, tuples as lists, NaN as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def suggestions_to_json(results: list[Suggestions]) -> dict[str, Any]:
    return {"suggestions": [_plain(result) for result in results]}


def assignment_to_json(assignment: Assignment) -> dict[str, Any]:
    plain = _plain(assignment)
    for match, source in zip(plain["matches"], assignment.matches, strict=True):
        match["changed"] = source.changed
    plain["gap"] = assignment.gap
    plain["changes"] = [match.request_id for match in assignment.changes]
    return plain
