"""The only bridge to the index engine: values become arrays, the engine computes, rows are stored.

A computation first takes a snapshot (framework, method, every input value, and the base
edition's inputs for progress). `compute(snapshot)` is a pure function of it: running it
again on a stored snapshot gives the same numbers, which is what makes results reproducible.
"""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core.models import record
from cityloom.engines.index import Dataset, Framework, IndexEngineError, build, fit_normaliser
from cityloom.engines.index.errors import (
    MAXIMUM_IS_ZERO,
    REFERENCE_AT_MINIMUM,
    TARGET_AT_MINIMUM,
    DivisionByZeroWarning,
    NoDataError,
    NoVarianceError,
)
from cityloom.engines.index.uncertainty import Choice, NoisyWeights, run_uncertainty
from cityloom.study import permissions
from cityloom.study.models import CityResult, Computation, Edition, Node, Questionnaire, Value
from cityloom.study.services.problems import Problem, StudyError

logger = logging.getLogger(__name__)
OVERALL = "__overall__"
NOT_TREATED = {Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY, Node.ValueType.SURVEY}
COUNTED = (Questionnaire.Status.SUBMITTED, Questionnaire.Status.ACCEPTED)


def snapshot_structure(framework) -> dict[str, Any]:
    """The framework as plain data: groups and indicators with what the engine and pages need."""
    groups, indicators = [], []
    by_id = {}
    nodes = list(framework.nodes.order_by("position"))
    for n in nodes:
        by_id[n.pk] = n.code
    for n in nodes:
        item = {
            "code": n.code,
            "parent": by_id.get(n.parent_id),
            "weight": n.weight,
            "depth": n.depth,
            "name": n.name,
            "name_fr": n.name_fr,
            "name_es": n.name_es,
            "axis": n.axis,
        }
        if n.is_indicator:
            item.update(
                direction=n.direction,
                tier=n.tier,
                value_type=n.value_type,
                unit=n.unit,
                categories=n.categories,
            )
            indicators.append(item)
        else:
            groups.append(item)
    return {
        "framework": framework.slug,
        "levels": framework.levels,
        "groups": groups,
        "indicators": indicators,
    }


def engine_framework(structure: dict, included: list[str]) -> tuple[Framework, list[str]]:
    """The engine's tree over the included indicators; groups left without data are dropped."""
    parent = {g["code"]: g["parent"] for g in structure["groups"]}
    parents: dict[str, str | None] = {OVERALL: None}
    weights: dict[str, float] = {}
    directions: dict[str, int] = {}
    info = {i["code"]: i for i in structure["indicators"]}
    for code in included:
        item = info[code]
        node, up = code, item["parent"]
        weights[code] = item["weight"]
        directions[code] = -1 if item["direction"] == Node.Direction.LOWER else 1
        while up is not None and node not in parents:
            parents[node] = up
            node, up = up, parent[up]
        if node not in parents:
            parents[node] = OVERALL
    for g in structure["groups"]:
        if g["code"] in parents:
            weights[g["code"]] = g["weight"]
    kept = {c for c in parents if c != OVERALL}
    dropped = [g["code"] for g in structure["groups"] if g["code"] not in kept]
    framework = Framework.from_tree(
        included,
        parents,
        weights=weights,
        directions=directions,
        names={i["code"]: i["name"] for i in structure["indicators"]},
    )
    return framework, dropped


def engine_pipeline(pipeline: dict, structure: dict, framework: Framework) -> dict:
    """The edition's method, with outlier treatment off for yes/no, category and survey answers."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (pipeline or {}).items()}
    treat = out.get("treat")
    if isinstance(treat, dict):
        included = set(framework.indicator_codes)
        per = dict(treat.get("per_indicator") or {})
        for item in structure["indicators"]:
            if item["code"] in included and item["value_type"] in NOT_TREATED:
                per.setdefault(item["code"], "none")
        per = {k: v for k, v in per.items() if k in included}
        if per:
            treat["per_indicator"] = per
        out["treat"] = treat
    aggregate = out.get("aggregate")
    if isinstance(aggregate, dict) and isinstance(aggregate.get("weights"), dict):
        aggregate["weights"] = {
            k: v for k, v in aggregate["weights"].items() if k in framework.weight
        }
        out["aggregate"] = aggregate
    for step in ("normalise", "treat"):
        if isinstance(out.get(step), dict) and "per_indicator" in out[step]:
            included = set(framework.indicator_codes)
            out[step]["per_indicator"] = {
                k: v for k, v in out[step]["per_indicator"].items() if k in included
            }
    return out


def collect_inputs(edition: Edition) -> dict[str, Any]:
    """Units (GeoNames ids as text) and the value matrix of the counted questionnaires."""
    structure = snapshot_structure(edition.framework)
    codes = [i["code"] for i in structure["indicators"]]
    column = {c: j for j, c in enumerate(codes)}
    questionnaires = list(
        edition.questionnaires.filter(status__in=COUNTED)
        .select_related("city")
        .order_by("city__geonames_id")
    )
    row = {q.pk: i for i, q in enumerate(questionnaires)}
    X = [[None] * len(codes) for _ in questionnaires]
    values = Value.objects.filter(
        questionnaire__in=questionnaires, number__isnull=False
    ).values_list("questionnaire_id", "indicator__code", "number")
    for qid, code, number in values.iterator(chunk_size=5000):
        if code in column:
            X[row[qid]][column[code]] = number
    return {
        "structure": structure,
        "units": [str(q.city.geonames_id) for q in questionnaires],
        "codes": codes,
        "X": X,
        "not_accepted": sum(q.status == Questionnaire.Status.SUBMITTED for q in questionnaires),
    }


def collect_snapshot(edition: Edition) -> dict[str, Any]:
    inputs = collect_inputs(edition)
    snapshot = {
        "edition": edition.pk,
        "year": edition.year,
        "pipeline": edition.pipeline,
        "uncertainty": edition.uncertainty,
        **inputs,
        "base": None,
    }
    base = edition.base_edition
    if base is not None and base.published_computation_id is not None:
        stored = base.published_computation.snapshot
        snapshot["base"] = {
            "edition": base.pk,
            "year": base.year,
            "structure": stored["structure"],
            "units": stored["units"],
            "codes": stored["codes"],
            "X": stored["X"],
        }
    return snapshot


@dataclass
class Computed:
    """What `compute` returns: one dict per unit, the structure used, notes, and the basis."""

    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    structure: dict[str, Any] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    basis: str = ""


def _matrix(X: list[list]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in X], dtype=float).reshape(
        len(X), -1
    )


def _clean(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _included(structure: dict, codes: list[str], X: np.ndarray, notes: list[dict]) -> list[str]:
    """Indicators the engine can score: known direction, two values or more, some spread."""
    info = {i["code"]: i for i in structure["indicators"]}
    out = []
    for j, code in enumerate(codes):
        column = X[:, j]
        available = column[~np.isnan(column)]
        if info[code]["direction"] == Node.Direction.UNKNOWN:
            notes.append({"kind": "excluded_direction", "code": code})
        elif available.size < 2:
            notes.append(
                {"kind": "excluded_few_values", "code": code, "count": int(available.size)}
            )
        elif np.ptp(available) == 0:
            notes.append({"kind": "excluded_no_variance", "code": code})
        else:
            out.append(code)
    return out


def _uncertainty_inputs(settings: dict, pipeline: dict, framework: Framework) -> list:
    inputs: list = []
    winmax = settings.get("winmax")
    if winmax and isinstance(pipeline.get("treat"), dict):
        inputs.append(Choice("treat.winmax", tuple(winmax)))
    noise = float(settings.get("weights_noise") or 0)
    if noise > 0:
        # Factors and axes vary, the top (the overall index) has nothing to weigh.
        levels = range(2, framework.n_levels)
        if levels:
            inputs.append(NoisyWeights(dict.fromkeys(levels, noise)))
    return inputs


def compute(
    snapshot: dict[str, Any], *, progress: Callable[[int, str], None] | None = None
) -> Computed:
    """Scores, ranks, rank intervals and comparable scores from a snapshot (pure, seeded)."""
    step = progress or (lambda percent, name: None)
    out = Computed()
    structure = snapshot["structure"]
    codes = snapshot["codes"]
    units = snapshot["units"]
    X = _matrix(snapshot["X"])
    if snapshot.get("not_accepted"):
        out.notes.append({"kind": "not_accepted", "count": snapshot["not_accepted"]})
    if len(units) < 2:
        raise ComputationError([{"kind": "too_few_cities", "count": len(units)}])
    included = _included(structure, codes, X, out.notes)
    if not included:
        raise ComputationError([{"kind": "no_indicator"}])
    framework, dropped_groups = engine_framework(structure, included)
    pipeline = engine_pipeline(snapshot["pipeline"], structure, framework)
    columns = [codes.index(c) for c in framework.indicator_codes]
    dataset = Dataset.from_arrays(units, X[:, columns])
    step(30, "index")
    result = build(dataset, framework, pipeline)
    for unit in result.dropped_units:
        out.notes.append({"kind": "screened_out", "unit": unit})
    out.notes.extend(warning_note(w) for w in result.warnings)
    step(45, "uncertainty")
    settings = snapshot.get("uncertainty") or {}
    interval: dict[str, tuple[float, float, float]] = {}
    runs = int(settings.get("runs") or 0)
    inputs = _uncertainty_inputs(settings, pipeline, framework)
    if runs > 0 and inputs:
        rng = np.random.default_rng(int(settings.get("seed") or 0))
        unc = run_uncertainty(dataset, framework, pipeline, inputs, n_runs=runs, rng=rng)
        q05, q95, med = unc.rank_q05, unc.rank_q95, unc.rank_median
        for i, unit in enumerate(unc.unit_codes.tolist()):
            interval[unit] = (float(q05[i]), float(q95[i]), float(med[i]))
    step(75, "progress")
    comparable = _comparable(snapshot, structure, framework, pipeline, out)
    # Rows follow the engine's unit order; screened-out units keep their coverage only.
    groups = [c for c in framework.aggregate_codes if c != OVERALL]
    position = {c: j for j, c in enumerate(framework.aggregate_codes)}
    normalised = result.stages["Normalised"].X
    info = {i["code"]: i for i in structure["indicators"]}
    core = [j for j, c in enumerate(codes) if info[c]["tier"] in ("", "core")]
    row_of = {u: i for i, u in enumerate(result.unit_codes.tolist())}
    for i, unit in enumerate(units):
        present = ~np.isnan(X[i])
        item: dict[str, Any] = {
            "coverage": float(present.mean()) if codes else 0.0,
            "core_coverage": float(present[core].mean()) if core else 0.0,
            "score": None,
            "rank": None,
            "groups": {},
            "group_ranks": {},
            "indicators": {},
            "interval": interval.get(unit),
            "comparable": comparable.get(unit, {}),
        }
        r = row_of.get(unit)
        if r is not None:
            item["score"] = _clean(result.aggregates[r, position[OVERALL]])
            rank = _clean(result.ranks[r, position[OVERALL]])
            item["rank"] = None if rank is None else int(rank)
            item["groups"] = {g: _clean(result.aggregates[r, position[g]]) for g in groups}
            item["group_ranks"] = {g: _clean(result.ranks[r, position[g]]) for g in groups}
            item["indicators"] = {
                c: _clean(normalised[r, j]) for j, c in enumerate(framework.indicator_codes)
            }
        out.units[unit] = item
    out.structure = {
        **structure,
        "included": list(framework.indicator_codes),
        "groups": [g for g in structure["groups"] if g["code"] not in dropped_groups],
    }
    step(90, "storing")
    return out


def _comparable(snapshot, structure, framework, pipeline, out: Computed) -> dict[str, dict]:
    """Scores of this edition and of its base on the base's scale, over the indicators both share.

    Bounds come from the base edition: refitting each edition would hide progress.
    """
    base = snapshot.get("base")
    if not base:
        return {}
    shared = [c for c in framework.indicator_codes if c in base["codes"]]
    base_X = _matrix(base["X"])
    # An indicator the base cannot scale (no spread, too few values) cannot be compared.
    shared = [
        c
        for c in shared
        if np.count_nonzero(~np.isnan(base_X[:, base["codes"].index(c)])) >= 2
        and np.nanmax(base_X[:, base["codes"].index(c)])
        > np.nanmin(base_X[:, base["codes"].index(c)])
    ]
    if not shared:
        out.notes.append({"kind": "no_shared_indicators"})
        return {}
    same = base["structure"]["framework"] == structure["framework"] and len(shared) == len(
        framework.indicator_codes
    )
    out.basis = "bounds" if same else "shared"
    if not same:
        out.notes.append(
            {
                "kind": "shared_indicators",
                "count": len(shared),
                "total": len(framework.indicator_codes),
            }
        )
    fw, _dropped = engine_framework(structure, shared)
    pipe = engine_pipeline(snapshot["pipeline"], structure, fw)
    now_X = _matrix(snapshot["X"])[:, [snapshot["codes"].index(c) for c in shared]]
    then_X = base_X[:, [base["codes"].index(c) for c in shared]]
    then = Dataset.from_arrays(base["units"], then_X)
    now = Dataset.from_arrays(snapshot["units"], now_X)
    try:
        fitted = fit_normaliser(then, fw, pipe)
        results = {
            "now": build(now, fw, pipe, normaliser=fitted),
            "base": build(then, fw, pipe, normaliser=fitted),
        }
    except IndexEngineError as exc:
        out.notes.append({"kind": "not_comparable", "message": str(exc)})
        out.basis = ""
        return {}
    by_unit: dict[str, dict] = {}
    for key, res in results.items():
        for r, unit in enumerate(res.unit_codes.tolist()):
            scores = {
                ("" if c == OVERALL else c): _clean(res.aggregates[r, j])
                for j, c in enumerate(fw.aggregate_codes)
            }
            by_unit.setdefault(unit, {})[key] = scores
    by_unit = {u: v for u, v in by_unit.items() if "now" in v}
    for v in by_unit.values():
        v["base_year"] = base["year"]
    return by_unit


class ComputationError(StudyError):
    """The engine could not compute; `records` are the problems as stored with the computation.

    Records are plain data (`{"kind": ..., ...}`) so that each reader sees them in their own
    language (`describe`); `problems` are them in the language active when raised.
    """

    def __init__(self, records: list[dict]):
        self.records = records
        super().__init__(Problem(describe(r), where=r.get("code", "")) for r in records)


def warning_note(warning: DivisionByZeroWarning) -> dict[str, str]:
    """An engine warning as a stored note, translated at display like the others."""
    return {
        "kind": "division_by_zero",
        "code": warning.indicator,
        "method": warning.method,
        "reason": warning.reason,
        "unit": warning.unit,
        "values": warning.values,
    }


def engine_problem(exc: IndexEngineError) -> list[dict]:
    out = []
    for p in exc.problems():
        if isinstance(p, NoVarianceError):
            out.append({"kind": "no_variance", "code": p.indicator})
        elif isinstance(p, NoDataError):
            out.append({"kind": "no_data", "unit": p.unit, "code": p.indicator, "step": p.step})
        else:
            out.append({"kind": "engine", "message": str(p)})
    return out


def request_computation(edition: Edition, *, by) -> Computation:
    """Queue a computation; the task runs it after the transaction commits."""
    from cityloom.study.tasks import compute_edition

    if not permissions.can_run_edition(by, edition):
        raise PermissionDenied
    with transaction.atomic():
        computation = Computation.objects.create(edition=edition, requested_by=by)
        record("edition.compute", edition, actor=by, computation=computation.pk)
        transaction.on_commit(lambda: compute_edition.enqueue(computation.pk))
    return computation


def _progress(computation_id: int) -> Callable[[int, str], None]:
    def update(percent: int, name: str) -> None:
        Computation.objects.filter(pk=computation_id).update(progress=percent, step=name)

    return update


def run_computation(computation_id: int) -> Computation | None:
    """Snapshot, compute, store: the body of the background task, progress on the row.

    Whatever happens the row ends done or failed: an unexpected error is logged with its
    traceback and shown to the secretariat as a generic message (the `crashed` problem).
    """
    try:
        return _run(computation_id)
    except Exception:
        logger.exception("computation %s crashed", computation_id)
        return _fail(computation_id, [{"kind": "crashed"}])


def _run(computation_id: int) -> Computation | None:
    computation = Computation.objects.select_related("edition").get(pk=computation_id)
    edition = computation.edition
    update = _progress(computation_id)
    Computation.objects.filter(pk=computation_id).update(
        status=Computation.Status.RUNNING, progress=5, step="collecting"
    )
    snapshot = collect_snapshot(edition)
    Computation.objects.filter(pk=computation_id).update(
        snapshot=snapshot, progress=15, step="index"
    )
    try:
        computed = compute(snapshot, progress=update)
    except ComputationError as exc:
        return _fail(computation_id, exc.records)
    except IndexEngineError as exc:
        return _fail(computation_id, engine_problem(exc))
    store_results(computation_id, snapshot, computed)
    return Computation.objects.get(pk=computation_id)


def _fail(computation_id: int, problems: list[dict]) -> Computation | None:
    Computation.objects.filter(pk=computation_id).update(
        status=Computation.Status.FAILED, errors=problems, finished_at=timezone.now(), progress=100
    )
    logger.info("computation %s failed: %s", computation_id, problems)
    return Computation.objects.filter(pk=computation_id).first()


UNFINISHED = (Computation.Status.QUEUED, Computation.Status.RUNNING)


def unfinished_computations(before) -> list[int]:
    """Computations still queued or running that were requested before `before`."""
    return list(
        Computation.objects.filter(status__in=UNFINISHED, created_at__lt=before).values_list(
            "pk", flat=True
        )
    )


def abandon_computations(ids: list[int]) -> int:
    """Computations no worker will finish (theirs died): failed, so the page stops polling."""
    count = Computation.objects.filter(pk__in=ids, status__in=UNFINISHED).update(
        status=Computation.Status.FAILED,
        errors=[{"kind": "lost"}],
        finished_at=timezone.now(),
        progress=100,
    )
    if count:
        logger.warning("computations %s: their worker stopped; marked failed", ids)
    return count


def store_results(computation_id: int, snapshot: dict, computed: Computed) -> None:
    from cityloom.network import queries as network_queries

    ids = network_queries.city_pks_by_geonames_id([int(u) for u in computed.units])
    top = [g["code"] for g in computed.structure.get("groups", []) if g["parent"] is None]
    rows = []
    for unit, item in computed.units.items():
        low, high, median = item["interval"] or (None, None, None)
        rows.append(
            CityResult(
                computation_id=computation_id,
                city_id=ids[int(unit)],
                score=item["score"],
                rank=item["rank"],
                rank_low=low,
                rank_high=high,
                rank_median=median,
                coverage=item["coverage"],
                core_coverage=item["core_coverage"],
                groups=item["groups"],
                group_ranks=item["group_ranks"],
                axes={c: [item["groups"].get(c), item["group_ranks"].get(c)] for c in top},
                indicators=item["indicators"],
                comparable=item["comparable"],
            )
        )
    with transaction.atomic():
        CityResult.objects.filter(computation_id=computation_id).delete()
        CityResult.objects.bulk_create(rows, batch_size=500)
        Computation.objects.filter(pk=computation_id).update(
            status=Computation.Status.DONE,
            progress=100,
            step="done",
            structure=computed.structure,
            notes=computed.notes,
            comparable_basis=computed.basis,
            finished_at=timezone.now(),
        )


def describe(problem: dict) -> str:
    """A stored note or error in the reader's language."""
    kind = problem.get("kind")
    p = problem
    messages = {
        "excluded_direction": lambda: (
            _(
                "%(code)s is left out of the index: its direction (higher or lower is better) is unknown."
            )
            % p
        ),
        "excluded_few_values": lambda: (
            _("%(code)s is left out of the index: fewer than two cities answered it.") % p
        ),
        "excluded_no_variance": lambda: (
            _("%(code)s is left out of the index: every city gave the same value.") % p
        ),
        "not_accepted": lambda: (
            _(
                "%(count)s submitted questionnaires were counted before the secretariat accepted them."
            )
            % p
        ),
        "screened_out": lambda: _("City %(unit)s has too little data and was left out.") % p,
        "no_shared_indicators": lambda: _(
            "No indicator is shared with the base edition: progress cannot be measured."
        ),
        "shared_indicators": lambda: (
            _(
                "Progress is measured on the %(count)s indicators of %(total)s that both editions share."
            )
            % p
        ),
        "division_by_zero": lambda: _division_by_zero(p),
        "not_comparable": lambda: _("Progress cannot be measured: %(message)s") % p,
        "too_few_cities": lambda: (
            _("At least two cities must have submitted their questionnaire (now: %(count)s).") % p
        ),
        "no_indicator": lambda: _("No indicator has enough data to compute the index."),
        "no_variance": lambda: (
            _("%(code)s cannot be normalised: every available value is equal.") % p
        ),
        "no_data": lambda: _("The engine was left with no data at step %(step)s.") % p,
        "engine": lambda: _("The index engine refused the data: %(message)s") % p,
        "crashed": lambda: _(
            "The computation stopped on an unexpected error. It has been logged for the "
            "technical team; try again, and tell them if it happens again."
        ),
        "lost": lambda: _(
            "The computation was interrupted (its background worker stopped). Start it again."
        ),
    }
    return messages[kind]() if kind in messages else str(problem)


def _division_by_zero(note: dict) -> str:
    # One whole sentence per reason, so that each translates on its own.
    if note.get("reason") == REFERENCE_AT_MINIMUM:
        return (
            _(
                "%(code)s cannot be normalised with %(method)s: the reference city %(unit)s has "
                "the lowest value, so its scores are left missing."
            )
            % note
        )
    if note.get("reason") == TARGET_AT_MINIMUM:
        return (
            _(
                "%(code)s cannot be normalised with %(method)s: the target equals the lowest "
                "value, so its scores are left missing."
            )
            % note
        )
    if note.get("reason") == MAXIMUM_IS_ZERO:
        return (
            _(
                "%(code)s cannot be normalised with %(method)s: its highest value is zero, so "
                "its scores are left missing."
            )
            % note
        )
    return _("%(code)s cannot be normalised with %(method)s: it divides by zero.") % note


def verify(computation: Computation) -> bool:
    """Compute again from the stored snapshot and compare with the stored rows."""
    computed = compute(computation.snapshot)
    stored = {str(r.city.geonames_id): r for r in computation.results.select_related("city")}
    for unit, item in computed.units.items():
        row = stored[unit]
        if item["score"] != row.score or item["rank"] != row.rank or item["groups"] != row.groups:
            return False
        if (item["interval"] or (None, None, None))[:2] != (row.rank_low, row.rank_high):
            return False
    return len(stored) == len(computed.units)
