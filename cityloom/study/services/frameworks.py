"""Indicator frameworks: read and validate a YAML file, import it, derive one from several."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StrictStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from cityloom.core.axes import Axis
from cityloom.core.languages import language_name
from cityloom.core.models import record
from cityloom.study.models import Framework, Node

from .problems import StudyError

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "frameworks"
DEFAULT_FRAMEWORK = FRAMEWORKS_DIR / "giffinger-2007.yaml"
SHIPPED = ("giffinger-2007.yaml", "u4ssc.yaml", "iso37120.yaml")
CROSSWALK = FRAMEWORKS_DIR / "crosswalk-six-axes.yaml"
CROSSWALK_AXES = {
    "ECO": Axis.ECONOMY,
    "PEO": Axis.PEOPLE,
    "GOV": Axis.GOVERNANCE,
    "MOB": Axis.MOBILITY,
    "ENV": Axis.ENVIRONMENT,
    "LIV": Axis.LIVING,
}
DIRECTIONS = {d.value for d in Node.Direction}
TIERS = {t.value for t in Node.Tier}
VALUE_TYPES = {v.value for v in Node.ValueType}
# Ranges as the 2012 questionnaire printed them (en dashes).
DEFAULT_CATEGORIES = ["0\u201325 %", "26\u201350 %", "51\u201375 %", "76\u2013100 %"]
MAX_FILE_SIZE = 2 * 1024 * 1024
# Every name and unit of a framework the secretariat imports is given in these languages.
LANGUAGES = ("en", "fr", "es")


class FrameworkImportError(StudyError):
    """A framework file that cannot be imported; `problems` lists each one, in order."""


@dataclass
class NodeData:
    code: str
    parent: str | None
    depth: int
    level_name: str
    is_indicator: bool
    names: dict[str, str]
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class FrameworkData:
    slug: str
    names: dict[str, str]
    levels: list[str]
    nodes: list[NodeData]
    meta: dict[str, Any]


def _names(raw: Any) -> dict[str, str]:
    if isinstance(raw, str):
        return {"en": raw}
    if isinstance(raw, dict):
        return {k: str(v) for k, v in raw.items() if k in ("en", "fr", "es") and v}
    return {}


def _categories(raw: dict) -> list[str]:
    if isinstance(raw.get("categories"), list):
        return [str(c) for c in raw["categories"]]
    return list(DEFAULT_CATEGORIES)


def _value_type(raw: dict) -> str | None:
    value_type = raw.get("value_type")
    if value_type is None:
        unit = _names(raw.get("unit")).get("en", "").lower()
        return Node.ValueType.PERCENTAGE if unit.startswith("percent") else Node.ValueType.NUMBER
    return value_type if value_type in VALUE_TYPES else None


class _Lenient(BaseModel):
    # A framework file may carry more than Cityloom reads (sources, notes): that is fine.
    model_config = ConfigDict(extra="allow")


def _has_english(names: dict[str, str]) -> dict[str, str]:
    if "en" not in names:
        raise PydanticCustomError("no_english", "no name in English")
    return names


def _level_count(levels: list[str]) -> list[str]:
    if not 2 <= len(levels) <= 4:
        raise PydanticCustomError("level_count", "2 to 4 levels")
    return levels


def _weight(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PydanticCustomError("weight", "a number >= 0")
    return float(value)


# A name is a string (English) or a mapping by language; it must have English.
_Names = Annotated[dict[str, str], BeforeValidator(_names), AfterValidator(_has_english)]


class _Structure(_Lenient):
    levels: Annotated[list[StrictStr], Strict(), AfterValidator(_level_count)]


class _FrameworkFile(_Lenient):
    """The top of a framework file; the tree is read node by node (`_TreeReader`)."""

    id: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_@.-]{1,80}$")]
    name: _Names = Field(default=None, validate_default=True)
    structure: _Structure
    tree: Annotated[list[Any], Strict(), Field(min_length=1)]


class _NodeFields(_Lenient):
    """A node's own fields; where it sits in the tree is checked by `_TreeReader`."""

    name: _Names = Field(default=None, validate_default=True)
    weight: Annotated[float, PlainValidator(_weight)] = 1.0
    axis: Literal[tuple(Axis.values)] | None = None


class _IndicatorFields(_NodeFields):
    direction: Literal[tuple(DIRECTIONS)] = "higher_is_better"
    # An empty tier (or none) means no tier.
    tier: Annotated[Literal[("", *TIERS)], BeforeValidator(lambda v: v or "")] = ""
    value_type: Literal[tuple(VALUE_TYPES)] | None = None


def _invalid(model: type[BaseModel], data: dict) -> dict[tuple, str]:
    """{location: pydantic error type} of what `model` refuses in `data`; empty if valid."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return {tuple(e["loc"]): e["type"] for e in exc.errors()}
    return {}


def read_framework(text: str | bytes) -> FrameworkData:
    """Parse and validate a framework file; raise FrameworkImportError listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = mark.line + 1 if mark is not None else "?"
        raise FrameworkImportError(
            [_("The file is not valid YAML (line %(line)s).") % {"line": where}]
        ) from None
    if not isinstance(raw, dict):
        raise FrameworkImportError([_("The file must describe one framework (a mapping).")])
    problems: list[str] = []
    invalid = _invalid(_FrameworkFile, raw)
    fields = {loc[0] for loc in invalid}
    slug = "" if "id" in fields else raw["id"]
    if "id" in fields:
        problems.append(_("The framework needs an “id” made of letters, digits and dashes."))
    names = _names(raw.get("name"))
    if "name" in fields:
        problems.append(_("The framework needs a name in English (name: {en: …})."))
    levels: list[str] = [] if "structure" in fields else raw["structure"]["levels"]
    if "structure" in fields:
        if {kind for loc, kind in invalid.items() if loc[0] == "structure"} == {"level_count"}:
            levels = raw["structure"]["levels"]
            problems.append(
                _("A framework has 2 to 4 levels; this one declares %(count)s.")
                % {"count": len(levels)}
            )
        else:
            problems.append(
                _("structure.levels must list the level names, from the top to indicators.")
            )
    if "tree" in fields:
        problems.append(_("The framework has no tree."))
    reader = _TreeReader(levels, problems)
    reader.walk([] if "tree" in fields else raw["tree"], None, 0, [], [])
    nodes = reader.nodes
    if not problems and not any(n.is_indicator for n in nodes):
        problems.append(_("The framework has no indicators."))
    if problems:
        raise FrameworkImportError(problems)
    meta = {
        "publisher": str(raw.get("publisher", ""))[:300],
        "version": str(raw.get("version", ""))[:200],
        "year": raw.get("year") if isinstance(raw.get("year"), int) else None,
        "licence_note": str(raw.get("licence_note", "")),
        "sources": raw.get("sources") if isinstance(raw.get("sources"), list) else [],
        "method": raw.get("method") if isinstance(raw.get("method"), dict) else {},
    }
    return FrameworkData(slug, names, levels, nodes, meta)


class _TreeReader:
    """Walks the tree of a framework file: nodes in order, and every problem met on the way.

    The walk checks where each node sits (codes, cycles, levels, depth); `_NodeFields`
    checks its own fields.
    """

    def __init__(self, levels: list[str], problems: list[str]):
        self.levels = levels
        self.problems = problems
        self.nodes: list[NodeData] = []
        self.seen: dict[str, str] = {}

    def walk(self, items: Any, parent: str | None, depth: int, path: list[str], ids: list[int]):
        if not isinstance(items, list):
            self.problems.append(
                _("%(where)s: children must be a list.") % {"where": parent or "tree"}
            )
            return
        for index, item in enumerate(items):
            self._node(item, f"{parent or 'tree'}[{index}]", parent, depth, path, ids)

    def _node(self, item: Any, where: str, parent, depth: int, path: list[str], ids: list[int]):
        problems, levels = self.problems, self.levels
        if not isinstance(item, dict):
            problems.append(_("%(where)s: a node must be a mapping.") % {"where": where})
            return
        # A YAML alias can make a node its own descendant: the same object seen again.
        if id(item) in ids:
            problems.append(
                _("%(where)s: the tree loops back on itself (a cycle).") % {"where": where}
            )
            return
        is_indicator = depth == len(levels) - 1 if levels else "indicators" not in item
        code = item.get("code")
        if code is None or str(code).strip() == "":
            problems.append(_("%(where)s: the node has no code.") % {"where": where})
            return
        code = str(code).strip()
        if code in path:
            chain = " → ".join([*path[path.index(code) :], code])
            problems.append(
                _("Code %(code)s is its own ancestor (a cycle: %(chain)s).")
                % {"code": code, "chain": chain}
            )
            return
        if code in self.seen:
            problems.append(
                _("Code %(code)s appears twice (under %(first)s and %(second)s).")
                % {"code": code, "first": self.seen[code] or "tree", "second": parent or "tree"}
            )
            return
        self.seen[code] = parent or ""
        invalid = {
            loc[0] for loc in _invalid(_IndicatorFields if is_indicator else _NodeFields, item)
        }
        if "name" in invalid:
            problems.append(_("%(code)s: the name in English is missing.") % {"code": code})
        level_name = levels[depth] if levels and depth < len(levels) else ""
        declared = item.get("level")
        if declared is not None and levels:
            if declared not in levels:
                problems.append(
                    _("%(code)s: unknown level “%(level)s” (the levels are %(levels)s).")
                    % {"code": code, "level": declared, "levels": ", ".join(levels)}
                )
            elif declared != level_name:
                problems.append(
                    _(
                        "%(code)s: level “%(level)s” is not expected at this depth (expected “%(expected)s”)."
                    )
                    % {"code": code, "level": declared, "expected": level_name}
                )
        if levels and depth >= len(levels):
            problems.append(
                _("%(code)s: the tree is deeper than its %(count)s levels.")
                % {"code": code, "count": len(levels)}
            )
            return
        attrs: dict[str, Any] = {}
        if "weight" in invalid:
            problems.append(_("%(code)s: the weight must be a number ≥ 0.") % {"code": code})
        else:
            attrs["weight"] = float(item.get("weight", 1))
        axis = item.get("axis")
        if "axis" in invalid:
            problems.append(_("%(code)s: unknown axis “%(axis)s”.") % {"code": code, "axis": axis})
        elif axis is not None:
            attrs["axis"] = axis
        if is_indicator:
            attrs.update(self._indicator(item, code, invalid))
        self.nodes.append(
            NodeData(code, parent, depth, level_name, is_indicator, _names(item.get("name")), attrs)
        )
        if is_indicator:
            return
        children = item.get("children")
        indicators = item.get("indicators")
        if children is not None:
            self.walk(children, code, depth + 1, [*path, code], [*ids, id(item)])
        if indicators is not None:
            if levels and depth + 1 != len(levels) - 1:
                problems.append(
                    _("%(code)s: indicators must sit at level “%(level)s”.")
                    % {"code": code, "level": levels[-1]}
                )
            else:
                self.walk(indicators, code, depth + 1, [*path, code], [*ids, id(item)])

    def _indicator(self, item: dict, code: str, invalid: set) -> dict[str, Any]:
        """An indicator's attributes; its problems are added in the order the file reads."""
        problems = self.problems
        if "children" in item or "indicators" in item:
            problems.append(
                _("%(code)s: an indicator (last level) cannot have children.") % {"code": code}
            )
        direction = item.get("direction", "higher_is_better")
        if "direction" in invalid:
            problems.append(
                _("%(code)s: unknown direction “%(direction)s”.")
                % {"code": code, "direction": direction}
            )
        tier = item.get("tier", "")
        if "tier" in invalid:
            problems.append(_("%(code)s: unknown tier “%(tier)s”.") % {"code": code, "tier": tier})
        value_type = None if "value_type" in invalid else _value_type(item)
        if value_type is None:
            problems.append(
                _("%(code)s: unknown value type “%(type)s”.")
                % {"code": code, "type": item.get("value_type")}
            )
        unit = item.get("unit")
        units = _names(unit if isinstance(unit, dict) else str(unit if unit is not None else ""))
        if isinstance(unit, dict) and "en" not in units:
            problems.append(_("%(code)s: the unit in English is missing.") % {"code": code})
        attrs = {
            "unit": units.get("en", "")[:120],
            "unit_fr": units.get("fr", "")[:120],
            "unit_es": units.get("es", "")[:120],
            "direction": direction,
            "tier": tier or "",
            "value_type": value_type or Node.ValueType.NUMBER,
            "note": str(item.get("note", "")),
        }
        if value_type == Node.ValueType.CATEGORY:
            attrs["categories"] = _categories(item)
        if value_type == Node.ValueType.SURVEY:
            unit = attrs["unit"].lower()
            low, high = item.get("scale", [0, 100] if "share" in unit else [1, 5])
            attrs.update(min_value=float(low), max_value=float(high))
        return attrs


def missing_translations(data: FrameworkData) -> list[str]:
    """What a framework lacks to read in every platform language: one line per language and kind.

    Empty when the framework's name and every node's name (and every indicator's unit, where
    it has one) is given in English, French and Spanish.
    """
    problems = []
    for lang in LANGUAGES[1:]:
        names = [n.code for n in data.nodes if not n.names.get(lang)]
        if not data.names.get(lang):
            names.insert(0, _("the framework itself"))
        units = [
            n.code for n in data.nodes if n.attrs.get("unit") and not n.attrs.get(f"unit_{lang}")
        ]
        for codes, message in (
            (names, _("Names missing in %(language)s (%(count)s): %(codes)s.")),
            (units, _("Units missing in %(language)s (%(count)s): %(codes)s.")),
        ):
            if codes:
                problems.append(
                    message
                    % {
                        "language": language_name(lang),
                        "count": len(codes),
                        "codes": ", ".join(codes),
                    }
                )
    return problems


def read_complete_framework(text: str | bytes) -> FrameworkData:
    """`read_framework`, also refusing a name or unit missing in one of the platform languages."""
    data = read_framework(text)
    if problems := missing_translations(data):
        raise FrameworkImportError(problems)
    return data


def _crosswalk_axes(slug: str, nodes: list[NodeData]) -> dict[str, str]:
    """Node code → axis, from the shipped crosswalk (group codes, or `code name` for ISO)."""
    data = yaml.safe_load(CROSSWALK.read_text())
    out: dict[str, str] = {}
    labels = {f"{n.code} {n.names.get('en', '')}": n.code for n in nodes}
    for axis_code, entry in data.get("axes", {}).items():
        for key, refs in entry.items():
            if key.split("@")[0] != slug or not isinstance(refs, list):
                continue
            for ref in refs:
                code = ref if any(n.code == ref for n in nodes) else labels.get(ref)
                if code is not None:
                    out.setdefault(code, CROSSWALK_AXES[axis_code])
    return out


def import_framework(data: FrameworkData, *, by=None) -> Framework:
    """Create (or replace, when no edition uses it) a framework from validated data."""
    with transaction.atomic():
        existing = Framework.objects.filter(slug=data.slug).first()
        if existing is not None:
            if existing.editions.exists():
                raise FrameworkImportError(
                    [
                        _("Framework %(slug)s is used by an edition and cannot be replaced.")
                        % {"slug": data.slug}
                    ]
                )
            existing.delete()
        framework = Framework.objects.create(
            slug=data.slug,
            name=data.names["en"][:300],
            name_fr=data.names.get("fr", "")[:300],
            name_es=data.names.get("es", "")[:300],
            levels=data.levels,
            **data.meta,
        )
        axes = _crosswalk_axes(data.slug, data.nodes)
        created: dict[str, Node] = {}
        for position, n in enumerate(data.nodes):
            parent = created.get(n.parent) if n.parent else None
            attrs = dict(n.attrs)
            axis = attrs.pop("axis", "") or axes.get(n.code, "") or (parent.axis if parent else "")
            node = Node(
                framework=framework,
                parent=parent,
                code=n.code,
                depth=n.depth,
                level_name=n.level_name,
                position=position,
                is_indicator=n.is_indicator,
                name=n.names.get("en", n.code)[:300],
                name_fr=n.names.get("fr", "")[:300],
                name_es=n.names.get("es", "")[:300],
                axis=axis,
                **attrs,
            )
            node.save()
            created[n.code] = node
        record("framework.import", framework, actor=by, nodes=len(data.nodes))
    return framework


def import_framework_file(path: Path | str, *, by=None) -> Framework:
    path = Path(path)
    if path.stat().st_size > MAX_FILE_SIZE:
        raise FrameworkImportError([_("The file is larger than 2 MB.")])
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise FrameworkImportError(
            [_("The file cannot be read: %(error)s") % {"error": exc}]
        ) from None
    return import_framework(read_complete_framework(text), by=by)


def ensure_shipped_frameworks() -> dict[str, Framework]:
    """The shipped frameworks (Giffinger 2007 first, the default), imported once."""
    out = {}
    for name in SHIPPED:
        data = read_complete_framework((FRAMEWORKS_DIR / name).read_bytes())
        framework = Framework.objects.filter(slug=data.slug).first()
        out[data.slug] = framework or import_framework(data)
    return out


def indicator_axis(node: Node, nodes_by_id: dict[int, Node]) -> str:
    while node is not None and not node.axis:
        node = nodes_by_id.get(node.parent_id)
    return node.axis if node is not None else ""


def derive_framework(*, slug: str, name: str, indicators: list[Node], by=None) -> Framework:
    """A new framework axis → factor → indicator from indicators picked in several frameworks.

    The six axes come from the crosswalk; an indicator's factor is its group in its own
    framework. Codes stay as published unless two sources share one (then `source:code`).
    """
    problems = []
    if Framework.objects.filter(slug=slug).exists():
        problems.append(_("A framework with the identifier %(slug)s exists.") % {"slug": slug})
    picked = [n for n in indicators if n.is_indicator]
    if not picked:
        problems.append(_("Pick at least one indicator."))
    framework_ids = {n.framework_id for n in picked}
    nodes_by_id = {n.pk: n for n in Node.objects.filter(framework_id__in=framework_ids)}
    slugs = dict(Framework.objects.filter(pk__in=framework_ids).values_list("pk", "slug"))
    axes = {}
    for node in picked:
        axis = indicator_axis(node, nodes_by_id)
        if not axis:
            problems.append(
                _("%(code)s has no axis in the crosswalk; give its group an axis first.")
                % {"code": node.code}
            )
        axes[node.pk] = axis
    if problems:
        raise FrameworkImportError(problems)
    codes = [n.code for n in picked]
    with transaction.atomic():
        framework = Framework.objects.create(
            slug=slug, name=name, levels=["axis", "factor", "indicator"], publisher=""
        )
        position = 0
        axis_nodes: dict[str, Node] = {}
        factor_nodes: dict[int, Node] = {}
        for axis in Axis:
            if axis.value not in axes.values():
                continue
            names = {}
            for lang in LANGUAGES:
                with translation.override(lang):
                    names[lang] = str(axis.label)
            axis_nodes[axis.value] = Node.objects.create(
                framework=framework,
                code=axis.value.upper()[:3],
                depth=0,
                level_name="axis",
                position=position,
                name=names["en"],
                name_fr=names["fr"],
                name_es=names["es"],
                axis=axis.value,
            )
            position += 1
        for node in picked:
            parent = nodes_by_id[node.parent_id]
            source = slugs[node.framework_id]
            if parent.pk not in factor_nodes:
                factor_nodes[parent.pk] = Node.objects.create(
                    framework=framework,
                    parent=axis_nodes[axes[node.pk]],
                    code=f"{source}:{parent.code}"[:80],
                    depth=1,
                    level_name="factor",
                    position=position,
                    name=parent.name,
                    name_fr=parent.name_fr,
                    name_es=parent.name_es,
                    axis=axes[node.pk],
                )
                position += 1
            code = node.code if codes.count(node.code) == 1 else f"{source}:{node.code}"
            Node.objects.create(
                framework=framework,
                parent=factor_nodes[parent.pk],
                code=code[:80],
                depth=2,
                level_name="indicator",
                position=position,
                is_indicator=True,
                name=node.name,
                name_fr=node.name_fr,
                name_es=node.name_es,
                axis=axes[node.pk],
                unit=node.unit,
                unit_fr=node.unit_fr,
                unit_es=node.unit_es,
                direction=node.direction,
                tier=node.tier,
                value_type=node.value_type,
                categories=node.categories,
                min_value=node.min_value,
                max_value=node.max_value,
                weight=node.weight,
            )
            position += 1
        record("framework.derive", framework, actor=by, indicators=len(picked))
    return framework
