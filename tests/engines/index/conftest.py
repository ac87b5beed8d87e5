"""Fixtures of the index engine tests: COINr's ASEM example data and its P01 pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cityloom.engines.index.coinr_io import meta_groups, read_data, read_meta
from cityloom.engines.index.data import Dataset
from cityloom.engines.index.framework import Framework

ASEM = Path(__file__).parent / "data" / "coinr-asem"
EXPECTED = ASEM / "expected"

# COINr's example build (see data/coinr-asem/README.md and the engine spec).
P01: dict[str, Any] = {
    "denominate": True,
    "impute": {"stat": "mean", "by": "group", "group": "EurAsia_group"},
    "screen": {"dat_thresh": 0.9},
    "treat": {"winmax": 5, "skew": 2.0, "kurt": 3.5, "combine": False},
    "normalise": {"method": "minmax", "lower": 0, "upper": 100},
    "aggregate": {"method": "amean", "weights": "meta"},
}

P01_YAML = """\
denominate: true
impute: {stat: mean, by: group, group: EurAsia_group}   # as COINr's example
screen: {dat_thresh: 0.9}
treat:
  winmax: 5
  skew: 2.0
  kurt: 3.5
  combine: false
normalise:
  method: minmax
  lower: 0
  upper: 100
aggregate:
  method: amean
  weights: meta
  p: 2
  dat_thresh: null
"""


# The engine is pure NumPy: the project-wide autouse fixtures (Django settings, compiled
# translation catalogs) are replaced here so these tests never need Django.
@pytest.fixture(autouse=True)
def _fast_and_synchronous() -> None:
    """No Django settings to adjust for the engine."""


@pytest.fixture(autouse=True)
def _translations() -> None:
    """No catalogs needed: the engine has no user-facing text."""


@pytest.fixture(scope="session")
def asem_framework() -> Framework:
    return read_meta(ASEM / "ASEM_iMeta.csv")


@pytest.fixture(scope="session")
def asem(asem_framework: Framework) -> Dataset:
    return read_data(
        ASEM / "ASEM_iData.csv",
        asem_framework,
        group_columns=meta_groups(ASEM / "ASEM_iMeta.csv"),
    )


@pytest.fixture(scope="session")
def asem_panel(asem_framework: Framework) -> Dataset:
    return read_data(
        ASEM / "ASEM_iData_p.csv",
        asem_framework,
        group_columns=meta_groups(ASEM / "ASEM_iMeta.csv"),
    )
