"""Unit data: indicator values, denominators, groups and (for panels) years.

`X` is `(n_units, n_indicators)` in the framework's indicator order, NaN = missing.
Units are sorted by code (then year), as COINr processes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .errors import DataFormatError


@dataclass(frozen=True)
class Dataset:
    """Indicator data for units (one edition, or a panel when `times` is set)."""

    unit_codes: npt.NDArray[np.str_]
    X: npt.NDArray[np.float64]
    denominators: Mapping[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    groups: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)
    times: npt.NDArray[np.int64] | None = None

    @classmethod
    def from_arrays(
        cls,
        unit_codes: Sequence[str] | npt.NDArray[np.str_],
        X: npt.ArrayLike,
        *,
        denominators: Mapping[str, npt.ArrayLike] | None = None,
        groups: Mapping[str, Sequence[object]] | None = None,
        times: Sequence[int] | npt.NDArray[np.int64] | None = None,
    ) -> Dataset:
        """Build a dataset, sorting units by code (and year) so results never depend on order."""
        codes = np.asarray(unit_codes, dtype=str)
        values = np.asarray(X, dtype=np.float64)
        if values.ndim != 2 or values.shape[0] != codes.shape[0]:
            raise DataFormatError(
                f"X has shape {values.shape}, expected ({codes.shape[0]}, n_indicators)"
            )
        t = None if times is None else np.asarray(times, dtype=np.int64)
        order = np.lexsort((t, codes)) if t is not None else np.argsort(codes, kind="stable")
        keys = list(
            zip(codes.tolist(), [None] * len(codes) if t is None else t.tolist(), strict=True)
        )
        if len(set(keys)) != len(keys):
            seen: set[object] = set()
            for row, key in enumerate(keys):
                if key in seen:
                    raise DataFormatError("duplicate unit", row=row + 1, column="uCode")
                seen.add(key)
        dens = {k: np.asarray(v, dtype=np.float64)[order] for k, v in (denominators or {}).items()}
        grps = {k: np.asarray(v, dtype=object)[order] for k, v in (groups or {}).items()}
        # Indexing copies (the caller's array is never shared); one copy, not two.
        return cls(
            unit_codes=codes[order],
            X=values[order],
            denominators=dens,
            groups=grps,
            times=None if t is None else t[order],
        )

    @property
    def n_units(self) -> int:
        return int(self.X.shape[0])

    @cached_property
    def is_panel(self) -> bool:
        return self.times is not None and np.unique(self.times).size > 1

    def take(self, rows: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Dataset:
        """The subset of units selected by `rows` (indices or mask)."""
        return Dataset(
            unit_codes=self.unit_codes[rows],
            X=self.X[rows],
            denominators={k: v[rows] for k, v in self.denominators.items()},
            groups={k: v[rows] for k, v in self.groups.items()},
            times=None if self.times is None else self.times[rows],
        )

    def years(self) -> list[int]:
        return [] if self.times is None else sorted(set(self.times.tolist()))

    def edition(self, year: int) -> Dataset:
        """The units of one year of a panel."""
        assert self.times is not None
        return self.take(np.flatnonzero(self.times == year))
