"""The index structure: indicators, aggregates, their parents, weights and directions.

Built either from COINr's `iMeta` table (`Framework.from_meta`) or, for the Study app,
from plain mappings (`Framework.from_tree`). Levels: 1 = indicator, up to the index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .errors import CycleError, IndexEngineError, MetadataError, WeightError, raise_all


@dataclass(frozen=True)
class LevelGroups:
    """How the codes of level `level - 1` feed the codes of `level`.

    `child_index[j]` is the column of child j in the level-below matrix and
    `parent_index[j]` the column of its parent in this level's matrix.
    """

    level: int
    child_codes: tuple[str, ...]
    parent_codes: tuple[str, ...]
    parent_index: npt.NDArray[np.intp]


@dataclass(frozen=True)
class Framework:
    """A tree of indicators (level 1) and aggregates (levels 2..n_levels).

    `aggregate_codes` are ordered by level, then alphabetically within a level (COINr's
    output order); `meta_order` keeps the aggregates in the order they were declared.
    """

    indicator_codes: tuple[str, ...]
    aggregate_codes: tuple[str, ...]
    parent: Mapping[str, str | None]
    level: Mapping[str, int]
    weight: Mapping[str, float]
    direction: npt.NDArray[np.float64]
    target: npt.NDArray[np.float64]
    denominator: tuple[str | None, ...]
    meta_order: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def n_levels(self) -> int:
        return max(self.level.values())

    @cached_property
    def levels(self) -> tuple[LevelGroups, ...]:
        """One `LevelGroups` per level above indicators, bottom-up."""
        out = []
        below: tuple[str, ...] = self.indicator_codes
        for lev in range(2, max(self.level.values()) + 1):
            parents = tuple(c for c in self.aggregate_codes if self.level[c] == lev)
            position = {c: i for i, c in enumerate(parents)}
            index = np.array([position[self.parent[c]] for c in below], dtype=np.intp)
            out.append(LevelGroups(lev, below, parents, index))
            below = parents
        return tuple(out)

    def codes_at(self, level: int) -> tuple[str, ...]:
        if level == 1:
            return self.indicator_codes
        if level - 2 < len(self.levels):
            return self.levels[level - 2].parent_codes
        return ()

    def weights_at(
        self, level: int, weights: Mapping[str, float] | None = None
    ) -> npt.NDArray[np.float64]:
        """Raw weights of the codes at `level` (before rescaling within groups)."""
        if weights is None:
            return np.array([self.weight[c] for c in self.codes_at(level)], dtype=np.float64)
        return np.array(
            [float(weights.get(c, self.weight[c])) for c in self.codes_at(level)], dtype=np.float64
        )

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with some weights replaced (e.g. noisy or custom weights)."""
        unknown = [c for c in weights if c not in self.weight]
        if unknown:
            raise WeightError("weight given for an unknown code", code=unknown[0])
        return Framework(
            self.indicator_codes,
            self.aggregate_codes,
            self.parent,
            self.level,
            {**self.weight, **{k: float(v) for k, v in weights.items()}},
            self.direction,
            self.target,
            self.denominator,
            self.meta_order,
            self.names,
        )

    def children(self, code: str) -> tuple[str, ...]:
        return tuple(c for c, p in self.parent.items() if p == code)

    def effective_weights(self, weights: Mapping[str, float] | None = None) -> dict[str, float]:
        """Product of the within-group normalised weights along each code's lineage."""
        source = self.weight if weights is None else {**self.weight, **weights}
        totals: dict[str | None, float] = {}
        for code, parent in self.parent.items():
            totals[parent] = totals.get(parent, 0.0) + float(source[code])
        out: dict[str, float] = {}
        for code in (*self.indicator_codes, *self.aggregate_codes):
            value, node = 1.0, code
            while self.parent[node] is not None:
                value *= float(source[node]) / totals[self.parent[node]]
                node = self.parent[node]  # type: ignore[assignment]
            out[code] = value
        return out

    @classmethod
    def from_tree(
        cls,
        indicators: Sequence[str],
        parents: Mapping[str, str | None],
        *,
        weights: Mapping[str, float] | None = None,
        directions: Mapping[str, int] | None = None,
        targets: Mapping[str, float] | None = None,
        denominators: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> Framework:
        """Build from a tree given as child -> parent codes (the index's parent is None).

        Weights default to 1 (relative within each parent), directions to 1.
        """
        indicators = tuple(indicators)
        aggregates: list[str] = []
        for code in (*indicators, *parents):
            parent = parents.get(code)
            if parent is not None and parent not in aggregates and parent not in indicators:
                aggregates.append(parent)
        for code in parents:
            if code not in indicators and code not in aggregates:
                aggregates.append(code)
        return cls._assemble(
            indicators,
            tuple(aggregates),
            dict(parents),
            weights or {},
            directions or {},
            targets or {},
            denominators or {},
            names or {},
            declared_levels=None,
        )

    @classmethod
    def _assemble(
        cls,
        indicators: tuple[str, ...],
        aggregates: tuple[str, ...],
        parents: Mapping[str, str | None],
        weights: Mapping[str, float],
        directions: Mapping[str, int],
        targets: Mapping[str, float],
        denominators: Mapping[str, str],
        names: Mapping[str, str],
        declared_levels: Mapping[str, int] | None,
    ) -> Framework:
        errors: list[IndexEngineError] = []
        codes = (*indicators, *aggregates)
        if not indicators:
            raise MetadataError("no indicators (Level 1 rows) in the structure")
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                errors.append(MetadataError("iCode appears twice", code=code, column="iCode"))
            seen.add(code)
        parent: dict[str, str | None] = {}
        for code in codes:
            p = parents.get(code)
            p = None if p is None or p == "" else str(p)
            if p is not None and p not in aggregates:
                what = "an indicator" if p in indicators else "not an aggregate"
                errors.append(MetadataError(f"Parent {p!r} is {what}", code=code, column="Parent"))
                p = None
            parent[code] = p
        raise_all(errors)
        # Cycles first: a level computed along a cycle would never terminate.
        for code in codes:
            path, node = [code], parent[code]
            while node is not None:
                if node in path:
                    raise CycleError([*path[path.index(node) :], node])
                path.append(node)
                node = parent[node]
        roots = [c for c in codes if parent[c] is None]
        if len(roots) != 1:
            raise MetadataError(
                "the structure must have exactly one top code (the index); found "
                + ", ".join(repr(r) for r in roots),
                column="Parent",
            )
        level: dict[str, int] = dict.fromkeys(indicators, 1)
        has_children = {p for p in parent.values() if p is not None}
        for code in aggregates:
            if code not in has_children:
                errors.append(MetadataError("aggregate has no children", code=code))
        raise_all(errors)

        def depth(code: str) -> int:
            if code in level:
                return level[code]
            child_levels = {depth(c) for c in codes if parent[c] == code}
            if len(child_levels) != 1:
                raise MetadataError("children of this aggregate are at different levels", code=code)
            level[code] = child_levels.pop() + 1
            return level[code]

        for code in aggregates:
            depth(code)
        if declared_levels is not None:
            for code, lev in declared_levels.items():
                if level.get(code) != lev:
                    errors.append(
                        MetadataError(
                            f"Level {lev} does not match its place in the tree ({level[code]})",
                            code=code,
                            column="Level",
                        )
                    )
        for code in codes:
            w = weights.get(code, 1.0)
            if not np.isfinite(w) or w < 0:
                errors.append(WeightError(f"weight {w!r} is not a non-negative number", code=code))
        direction = np.array([float(directions.get(c, 1)) for c in indicators])
        for code, d in zip(indicators, direction, strict=True):
            if d not in (1.0, -1.0):
                errors.append(
                    MetadataError("Direction must be 1 or -1", code=code, column="Direction")
                )
        raise_all(errors)
        ordered_aggs = tuple(sorted(aggregates, key=lambda c: (level[c], c.casefold(), c)))
        meta_order = tuple(sorted(aggregates, key=lambda c: level[c]))
        return cls(
            indicator_codes=indicators,
            aggregate_codes=ordered_aggs,
            parent=parent,
            level=level,
            weight={c: float(weights.get(c, 1.0)) for c in codes},
            direction=direction,
            target=np.array([float(targets.get(c, np.nan)) for c in indicators]),
            denominator=tuple(denominators.get(c) or None for c in indicators),
            meta_order=meta_order,
            names=dict(names),
        )
