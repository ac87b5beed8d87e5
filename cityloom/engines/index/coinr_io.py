"""Reading COINr's `iData`/`iMeta` CSV format and writing `result.csv`.

Row numbers in errors are file line numbers (the header is line 1).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .data import Dataset
from .errors import (
    DataFormatError,
    IndexEngineError,
    MetadataError,
    MissingColumnError,
    raise_all,
)
from .framework import Framework

META_COLUMNS = ("Level", "iCode", "Direction", "Weight", "Parent", "Type")
_MAX_CELL_ERRORS = 20


@dataclass(frozen=True)
class _Table:
    """A CSV file as text columns: `None` marks an empty field (R's `NA`)."""

    columns: dict[str, list[str | None]]
    n_rows: int

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> list[str | None]:
        return self.columns[name]


def _read_csv(path: str | Path) -> _Table:
    """Read a CSV file with a header row; every field stays text, empty fields are `None`.

    Blank lines are skipped and short rows padded with `None`, so data row `i` (0-based)
    is file line `i + 2` when the file has no blank line.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle, strict=True) if row]
    except FileNotFoundError as exc:
        raise DataFormatError("file not found", file=str(path)) from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataFormatError(f"not a readable CSV file ({exc})", file=str(path)) from exc
    if not rows:
        raise DataFormatError("not a readable CSV file (no header row)", file=str(path))
    header, body = rows[0], rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) > len(header):
            raise DataFormatError(
                f"not a readable CSV file (expected {len(header)} fields, saw {len(row)})",
                file=str(path),
                row=line,
            )
    names: list[str] = []
    for name in header:
        # Repeated names get a suffix (`x`, `x.1`), as pandas and R's read.csv do.
        unique, n = name, 0
        while unique in names:
            n += 1
            unique = f"{name}.{n}"
        names.append(unique)
    columns: dict[str, list[str | None]] = {
        name: [row[j] if j < len(row) and row[j] != "" else None for row in body]
        for j, name in enumerate(names)
    }
    return _Table(columns, len(body))


def _to_float(text: str | None) -> float:
    """The number in `text` (surrounding spaces allowed), NaN when it is not one."""
    if text is None or "_" in text:  # float() accepts `1_000`; a CSV cell should not
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def _numeric(
    frame: _Table, column: str, file: str, errors: list[IndexEngineError]
) -> npt.NDArray[np.float64]:
    raw = frame[column]
    values = np.array([_to_float(v) for v in raw], dtype=np.float64)
    given = np.array([v is not None for v in raw], dtype=bool)
    bad = np.flatnonzero(np.isnan(values) & given)
    for row in bad[: max(0, _MAX_CELL_ERRORS - len(errors))]:
        errors.append(
            DataFormatError(
                f"{raw[row]!r} is not a number", file=file, row=int(row) + 2, column=column
            )
        )
    return values


def read_meta(path: str | Path) -> Framework:
    """Read an `iMeta` CSV into a Framework (indicator and aggregate rows; others ignored)."""
    file = str(path)
    frame = _read_csv(path)
    missing = [c for c in ("iCode", "Level", "Parent") if c not in frame.columns]
    if missing:
        raise_all(
            [DataFormatError("required column is missing", file=file, column=c) for c in missing]
        )
    errors: list[IndexEngineError] = []
    level = _numeric(frame, "Level", file, errors)
    direction = _numeric(frame, "Direction", file, errors) if "Direction" in frame else None
    weight = _numeric(frame, "Weight", file, errors) if "Weight" in frame else None
    target = _numeric(frame, "Target", file, errors) if "Target" in frame else None
    raise_all(errors)
    types = [t or "" for t in frame["Type"]] if "Type" in frame else [""] * frame.n_rows
    indicators: list[str] = []
    aggregates: list[str] = []
    parents: dict[str, str | None] = {}
    weights: dict[str, float] = {}
    directions: dict[str, int] = {}
    targets: dict[str, float] = {}
    denominators: dict[str, str] = {}
    names: dict[str, str] = {}
    declared: dict[str, int] = {}
    for i in range(frame.n_rows):
        line = i + 2
        code = frame["iCode"][i]
        kind = types[i]
        if code is None or not code.strip():
            errors.append(MetadataError("empty iCode", row=line, column="iCode"))
            continue
        lev = level[i]
        if kind in ("Group", "Denominator", "Other") or (not kind and np.isnan(lev)):
            continue
        if kind not in ("", "Indicator", "Aggregate"):
            errors.append(
                MetadataError(f"unknown Type {kind!r}", row=line, code=code, column="Type")
            )
            continue
        if np.isnan(lev) or lev < 1 or lev != int(lev):
            errors.append(
                MetadataError(
                    "Level must be a whole number >= 1", row=line, code=code, column="Level"
                )
            )
            continue
        if kind == "Indicator" and lev != 1:
            errors.append(
                MetadataError("an Indicator must have Level 1", row=line, code=code, column="Level")
            )
            continue
        if kind == "Aggregate" and lev < 2:
            errors.append(
                MetadataError(
                    "an Aggregate must have Level >= 2", row=line, code=code, column="Level"
                )
            )
            continue
        (indicators if lev == 1 else aggregates).append(code)
        declared[code] = int(lev)
        parent = frame["Parent"][i]
        parents[code] = None if parent is None or not parent.strip() else parent
        if weight is not None and not np.isnan(weight[i]):
            weights[code] = float(weight[i])
        elif lev > 0 and parents[code] is not None:
            errors.append(MetadataError("Weight is missing", row=line, code=code, column="Weight"))
        if lev == 1:
            if direction is None or np.isnan(direction[i]):
                errors.append(
                    MetadataError("Direction is missing", row=line, code=code, column="Direction")
                )
            else:
                directions[code] = int(direction[i]) if direction[i] in (1, -1) else 0
            if target is not None and not np.isnan(target[i]):
                targets[code] = float(target[i])
            denominator = frame["Denominator"][i] if "Denominator" in frame else None
            if denominator is not None:
                denominators[code] = denominator
        name = frame["iName"][i] if "iName" in frame else None
        if name is not None:
            names[code] = name
    raise_all(errors)
    return Framework._assemble(
        tuple(indicators),
        tuple(aggregates),
        parents,
        weights,
        directions,
        targets,
        denominators,
        names,
        declared_levels=declared,
    )


def meta_groups(path: str | Path) -> list[str]:
    """Codes of Type `Group` in an iMeta file (columns to read as unit groups)."""
    frame = _read_csv(path)
    if "Type" not in frame:
        return []
    return [c for c, t in zip(frame["iCode"], frame["Type"], strict=True) if t == "Group" and c]


def read_data(
    path: str | Path, framework: Framework, *, group_columns: Sequence[str] = ()
) -> Dataset:
    """Read an `iData` CSV. Every indicator needs a column; denominators are read if present."""
    file = str(path)
    frame = _read_csv(path)
    errors: list[IndexEngineError] = []
    if "uCode" not in frame.columns:
        raise DataFormatError("required column is missing", file=file, column="uCode")
    for code in framework.indicator_codes:
        if code not in frame.columns:
            errors.append(MissingColumnError(code))
    raise_all(errors)
    codes = frame["uCode"]
    for row, code in enumerate(codes):
        if code is None:
            errors.append(DataFormatError("empty uCode", file=file, row=row + 2, column="uCode"))
    X = np.column_stack([_numeric(frame, c, file, errors) for c in framework.indicator_codes])
    denominator_codes = sorted({d for d in framework.denominator if d is not None})
    denominators = {
        d: _numeric(frame, d, file, errors) for d in denominator_codes if d in frame.columns
    }
    times = None
    if "Time" in frame.columns:
        t = _numeric(frame, "Time", file, errors)
        if np.isnan(t).any() or (t != np.round(t)).any():
            errors.append(
                DataFormatError("Time must be a whole year on every row", file=file, column="Time")
            )
        else:
            times = t.astype(np.int64)
    raise_all(errors)
    groups = {g: np.array(frame[g], dtype=object) for g in group_columns if g in frame.columns}
    try:
        return Dataset.from_arrays(
            np.array(codes, dtype=str), X, denominators=denominators, groups=groups, times=times
        )
    except DataFormatError as exc:
        # Dataset rows are 1-based data rows; as a file line, add the header.
        line = None if exc.row is None else exc.row + 1
        raise DataFormatError(exc.message, file=file, row=line, column=exc.column) from exc


def read_weights(path: str | Path, framework: Framework) -> dict[str, float]:
    """Read a weights CSV with columns iCode, (Level,) Weight."""
    file = str(path)
    frame = _read_csv(path)
    errors: list[IndexEngineError] = []
    for column in ("iCode", "Weight"):
        if column not in frame.columns:
            errors.append(DataFormatError("required column is missing", file=file, column=column))
    raise_all(errors)
    weight = _numeric(frame, "Weight", file, errors)
    out: dict[str, float] = {}
    for i, code in enumerate(frame["iCode"]):
        if code not in framework.weight:
            errors.append(
                MetadataError(
                    "unknown iCode in weights", row=i + 2, code=code or "", column="iCode"
                )
            )
        elif np.isnan(weight[i]) or weight[i] < 0:
            errors.append(
                DataFormatError(
                    "weight must be a non-negative number", file=file, row=i + 2, column="Weight"
                )
            )
        else:
            out[code] = float(weight[i])
    raise_all(errors)
    return out


def _cell(value: float) -> str:
    if np.isnan(value):
        return ""
    # repr gives the shortest text that reads back as the identical double.
    return repr(float(value))


def write_table(
    path: str | Path,
    header: Sequence[str],
    keys: Sequence[Sequence[str]],
    columns: Mapping[str, npt.NDArray[np.float64]],
    *,
    integer_columns: Sequence[str] = (),
) -> None:
    """Write key columns then numeric columns; NaN as an empty field, integers without `.0`."""
    ints = set(integer_columns)
    names = list(columns)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([*header, *names])
        data = [columns[n] for n in names]
        for i, key in enumerate(keys):
            row = list(key)
            for name, col in zip(names, data, strict=True):
                v = col[i]
                if name in ints and not np.isnan(v):
                    row.append(str(int(v)))
                else:
                    row.append(_cell(v))
            writer.writerow(row)
