"""The library of cadence templates, read from `cadences.yaml` (data, not code)."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

FILE = Path(__file__).with_name("cadences.yaml")


@dataclass(frozen=True)
class Template:
    key: str
    name: dict
    activities: tuple[dict, ...] = ()
    milestones: tuple[dict, ...] = ()
    deliverables: tuple[dict, ...] = ()

    @property
    def label(self) -> str:
        return in_language(self.name)


def in_language(texts: dict, language: str | None = None) -> str:
    """The text in `language` (default: the active one), else English."""
    language = (language or get_language() or "en")[:2]
    return texts.get(language) or texts["en"]


@cache
def templates() -> dict[str, Template]:
    rows = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return {
        row["key"]: Template(
            key=row["key"],
            name=row["name"],
            activities=tuple(row.get("activities", ())),
            milestones=tuple(row.get("milestones", ())),
            deliverables=tuple(row.get("deliverables", ())),
        )
        for row in rows
    }


def choices() -> list[tuple[str, str]]:
    return [(key, template.label) for key, template in templates().items()]
