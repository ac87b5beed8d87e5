"""Fixtures of the BarCamp engine tests: the published instances and their generator."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from cityloom.engines.barcamp import Instance, instance_from_dict

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    """The shared benchmark's seeded generator (standard library only), as a module."""
    spec = importlib.util.spec_from_file_location("barcamp_generate", DATA / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def published() -> Callable[[str], Instance]:
    """Loader of tests/engines/barcamp/data/<name>.json."""

    def load(name: str) -> Instance:
        return instance_from_dict(json.loads((DATA / f"{name}.json").read_text()))

    return load


@pytest.fixture(scope="session")
def make_instance(generator: ModuleType) -> Callable[..., Instance]:
    """Generated instance: ``make_instance(seed, topics, rooms, slots, participants, **kw)``."""

    def make(seed: int, *sizes: int, **kwargs: object) -> Instance:
        return instance_from_dict(generator.generate(f"g{seed}", seed, *sizes, **kwargs))

    return make
