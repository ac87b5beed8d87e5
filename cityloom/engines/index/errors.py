"""Typed errors of the index engine: each carries the offending row, column or key.

The Study app maps these to translated messages; the command line prints one line per
problem. Every class keeps its data as attributes so callers never parse messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class IndexEngineError(Exception):
    """Base class: every error raised on purpose by the engine."""

    def problems(self) -> list[IndexEngineError]:
        """The individual problems this error stands for (itself, unless a group)."""
        return [self]


class ProblemList(IndexEngineError):
    """Several independent problems found at once (e.g. every bad cell of a file)."""

    def __init__(self, errors: Iterable[IndexEngineError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def problems(self) -> list[IndexEngineError]:
        out: list[IndexEngineError] = []
        for error in self.errors:
            out.extend(error.problems())
        return out


def raise_all(errors: list[IndexEngineError]) -> None:
    """Raise nothing, the single error, or a ProblemList of all of them."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ProblemList(errors)


class DataFormatError(IndexEngineError):
    """A file, row or cell that cannot be read."""

    def __init__(
        self, message: str, *, file: str = "", row: int | None = None, column: str = ""
    ) -> None:
        self.file, self.row, self.column, self.message = file, row, column, message
        where = ", ".join(
            part
            for part in (
                file,
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class MissingColumnError(IndexEngineError):
    """An iCode (indicator, denominator or group) with no column in the data."""

    def __init__(self, column: str, *, role: str = "indicator") -> None:
        self.column, self.role = column, role
        super().__init__(f"column {column!r}: {role} named in the metadata has no data column")


class MetadataError(IndexEngineError):
    """An inconsistent index structure (unknown parent, bad level, bad direction...)."""

    def __init__(self, message: str, *, code: str = "", row: int | None = None, column: str = ""):
        self.code, self.row, self.column, self.message = code, row, column, message
        parts = [f"row {row}" if row is not None else "", f"iCode {code!r}" if code else ""]
        parts.append(f"column {column!r}" if column else "")
        where = ", ".join(p for p in parts if p)
        super().__init__(f"{where}: {message}" if where else message)


class CycleError(MetadataError):
    """The Parent links form a cycle."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = tuple(codes)
        super().__init__(
            "Parent links form a cycle: " + " -> ".join(self.codes),
            code=self.codes[0],
            column="Parent",
        )


class PipelineKeyError(IndexEngineError):
    """A pipeline key that is unknown, or has a value of the wrong kind."""

    def __init__(self, key: str, message: str) -> None:
        self.key, self.message = key, message
        super().__init__(f"key {key!r}: {message}")


class UnknownMethodError(PipelineKeyError):
    """A method name that the engine does not implement."""

    def __init__(self, key: str, method: object, allowed: Iterable[str]) -> None:
        self.method, self.allowed = method, tuple(allowed)
        super().__init__(
            key, f"unknown method {method!r}; expected one of {', '.join(self.allowed)}"
        )


class DenominatorZeroError(IndexEngineError):
    """Dividing an indicator by a denominator equal to zero."""

    def __init__(self, *, unit: str, indicator: str, denominator: str) -> None:
        self.unit, self.indicator, self.denominator = unit, indicator, denominator
        super().__init__(
            f"unit {unit!r}, column {indicator!r}: denominator {denominator!r} is zero"
        )


class NonPositiveValueError(IndexEngineError):
    """A mean that needs positive values (geometric, harmonic, generalised) met one."""

    def __init__(self, *, unit: str, code: str, value: float, method: str) -> None:
        self.unit, self.code, self.value, self.method = unit, code, value, method
        super().__init__(
            f"unit {unit!r}, column {code!r}: {method} cannot aggregate the value {value!r}"
        )


class NoVarianceError(IndexEngineError):
    """An indicator whose available values are all equal, so it cannot be rescaled."""

    def __init__(self, *, indicator: str, method: str) -> None:
        self.indicator, self.method = indicator, method
        super().__init__(
            f"column {indicator!r}: every available value is equal, {method} is undefined"
        )


class NoDataError(IndexEngineError):
    """A unit (or a whole indicator) left with no data by a step."""

    def __init__(self, *, step: str, unit: str = "", indicator: str = "") -> None:
        self.step, self.unit, self.indicator = step, unit, indicator
        what = f"unit {unit!r}" if unit else f"column {indicator!r}"
        super().__init__(f"{what}: no data left after step {step!r}")


class MissingReferenceError(IndexEngineError):
    """A reference unit or target value needed by a normalisation is missing."""

    def __init__(self, message: str, *, indicator: str = "", unit: str = "") -> None:
        self.indicator, self.unit, self.message = indicator, unit, message
        parts = [f"column {indicator!r}" if indicator else "", f"unit {unit!r}" if unit else ""]
        where = ", ".join(p for p in parts if p)
        super().__init__(f"{where}: {message}" if where else message)


class WeightError(IndexEngineError):
    """Weights that are missing, negative, or sum to zero within a group."""

    def __init__(self, message: str, *, code: str) -> None:
        self.code, self.message = code, message
        super().__init__(f"iCode {code!r}: {message}")


# Why a normalisation divides by zero for one indicator (`DivisionByZeroWarning.reason`).
REFERENCE_AT_MINIMUM = "reference_at_minimum"  # dist2ref: x_ref - min = 0
TARGET_AT_MINIMUM = "target_at_minimum"  # dist2targ: target - min = 0
MAXIMUM_IS_ZERO = "maximum_is_zero"  # fracmax: max = 0 (after applying Direction)


@dataclass(frozen=True)
class DivisionByZeroWarning:
    """A normalisation that divides by zero for one indicator; the build carries on.

    Not an exception: the result lists these (`IndexResult.warnings`). `values` says what
    the indicator's normalised values became: `"missing"` (NaN, the default) or `"inf"`
    (COINr's exact +-Inf and NaN, with `normalise.zero_division: inf`).
    """

    indicator: str
    method: str
    reason: str
    values: str = "missing"
    unit: str = ""

    def __str__(self) -> str:
        cause = {
            REFERENCE_AT_MINIMUM: f"the reference unit {self.unit!r} has the lowest value",
            TARGET_AT_MINIMUM: "the target equals the lowest value",
            MAXIMUM_IS_ZERO: "the highest value (times Direction) is 0",
        }[self.reason]
        outcome = "left missing" if self.values == "missing" else "+-Inf or NaN, as in COINr"
        return (
            f"column {self.indicator!r}: {self.method} divides by zero ({cause}); "
            f"its normalised values are {outcome}"
        )
