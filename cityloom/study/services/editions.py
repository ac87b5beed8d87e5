"""Editions: creation, invited cities, calendar and status, the computation method, publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core.models import record
from cityloom.engines.index import IndexEngineError, PipelineSpec
from cityloom.network.models import City, Commission
from cityloom.study import permissions
from cityloom.study.models import Computation, Edition, Framework, Questionnaire

from .computation import engine_framework, engine_pipeline, snapshot_structure
from .problems import StudyError


@dataclass(frozen=True)
class Method:
    """The computation method a secretariat chooses, as the engine's pipeline mapping.

    `from_pipeline` reads only what the method form offers; `to_pipeline` writes the whole
    pipeline again from it (other keys, such as per-indicator settings, are not kept).
    """

    impute: str = "none"  # "none", or the statistic: "mean", "median"
    treat: bool = True
    winmax: int = 5
    normalise: str = "minmax"
    aggregate: str = "amean"
    # Axis code -> weight, for the axes whose weight differs from the framework's.
    weights: dict[str, float] = field(default_factory=dict)

    # Outliers: winsorise at most `winmax` points, then log if still this skewed.
    SKEW: ClassVar[float] = 2.0
    KURT: ClassVar[float] = 3.5
    # What the uncertainty analysis tries for `winmax` when outliers are treated.
    WINMAX_CHOICES: ClassVar[list[int]] = [1, 2, 3, 4, 5]

    @classmethod
    def from_pipeline(cls, pipeline: dict) -> Method:
        impute = pipeline.get("impute")
        treat = pipeline.get("treat")
        return cls(
            impute=impute.get("stat", "mean") if isinstance(impute, dict) else "none",
            treat=isinstance(treat, dict),
            winmax=int(treat.get("winmax", 5)) if isinstance(treat, dict) else 5,
            normalise=(pipeline.get("normalise") or {}).get("method", "minmax"),
            aggregate=(pipeline.get("aggregate") or {}).get("method", "amean"),
            weights=dict((pipeline.get("aggregate") or {}).get("weights") or {}),
        )

    def to_pipeline(self) -> dict:
        out: dict = {}
        if self.impute != "none":
            out["impute"] = {"stat": self.impute, "by": "column"}
        if self.treat:
            out["treat"] = {"winmax": self.winmax, "skew": self.SKEW, "kurt": self.KURT}
        out["normalise"] = (
            {"method": "minmax", "lower": 0, "upper": 100}
            if self.normalise == "minmax"
            else {"method": self.normalise}
        )
        out["aggregate"] = {
            "method": self.aggregate,
            **({"weights": dict(self.weights)} if self.weights else {}),
        }
        return out

    def uncertainty_winmax(self) -> list[int]:
        """The `winmax` values the uncertainty analysis tries: none if outliers are left alone."""
        return list(self.WINMAX_CHOICES) if self.treat else []


DEFAULT_PIPELINE = Method().to_pipeline()
DEFAULT_UNCERTAINTY = {
    "runs": 200,
    "seed": 2012,
    "winmax": Method().uncertainty_winmax(),
    "weights_noise": 0.25,
}
TRANSITIONS = {
    Edition.Status.DRAFT: {Edition.Status.OPEN},
    Edition.Status.OPEN: {Edition.Status.REVIEW, Edition.Status.DRAFT},
    Edition.Status.REVIEW: {Edition.Status.OPEN},
}


class EditionError(StudyError):
    """A change to an edition that must not happen."""


def create_edition(
    *,
    commission: Commission,
    framework: Framework,
    year: int,
    title: str,
    cities: Iterable[City] = (),
    by=None,
    title_fr: str = "",
    title_es: str = "",
    calendar: dict[str, dt.date] | None = None,
    base_edition: Edition | None = None,
    is_demo: bool = False,
) -> Edition:
    with transaction.atomic():
        edition = Edition.objects.create(
            commission=commission,
            framework=framework,
            year=year,
            title=title,
            title_fr=title_fr,
            title_es=title_es,
            pipeline=DEFAULT_PIPELINE,
            uncertainty={**DEFAULT_UNCERTAINTY, "seed": year},
            base_edition=base_edition,
            is_demo=is_demo,
            **(calendar or {}),
        )
        Questionnaire.objects.bulk_create([Questionnaire(edition=edition, city=c) for c in cities])
        record("edition.create", edition, actor=by)
    return edition


def invite_cities(edition: Edition, cities: Iterable[City], *, by) -> int:
    if not permissions.can_run_edition(by, edition):
        raise PermissionDenied
    if edition.is_published:
        raise EditionError([_("A published edition cannot change.")])
    with transaction.atomic():
        existing = set(edition.questionnaires.values_list("city_id", flat=True))
        new = [Questionnaire(edition=edition, city=c) for c in cities if c.pk not in existing]
        Questionnaire.objects.bulk_create(new)
        record("edition.invite", edition, actor=by, cities=[q.city.name for q in new])
    return len(new)


def set_status(edition: Edition, status: str, *, by) -> None:
    """Open for data, close for review, reopen; publication has its own service."""
    if not permissions.can_run_edition(by, edition):
        raise PermissionDenied
    if status not in TRANSITIONS.get(edition.status, set()):
        raise EditionError(
            [
                _("An edition %(from)s cannot become %(to)s.")
                % {"from": edition.get_status_display(), "to": Edition.Status(status).label}
            ]
        )
    with transaction.atomic():
        before = edition.status
        edition.status = status
        edition.save(update_fields=["status", "updated_at"])
        record("edition.status", edition, actor=by, old=before, new=status)


def update_method(
    edition: Edition,
    *,
    by,
    pipeline: dict,
    uncertainty: dict,
    base_edition: Edition | None = None,
    calendar: dict | None = None,
) -> None:
    """Change the computation method (checked by the engine) until the edition is published."""
    if not permissions.can_run_edition(by, edition):
        raise PermissionDenied
    if edition.is_published:
        raise EditionError([_("The method of a published edition cannot change.")])
    if base_edition is not None and (
        base_edition.pk == edition.pk
        or base_edition.commission_id != edition.commission_id
        or base_edition.year >= edition.year
    ):
        raise EditionError(
            [_("The base edition must be an earlier edition of the same commission.")]
        )
    structure = snapshot_structure(edition.framework)
    try:
        framework, _excluded = engine_framework(
            structure, [n["code"] for n in structure["indicators"]]
        )
        PipelineSpec.parse(engine_pipeline(pipeline, structure, framework), framework)
    except IndexEngineError as exc:
        raise EditionError([str(p) for p in exc.problems()]) from None
    with transaction.atomic():
        old = {"pipeline": edition.pipeline, "uncertainty": edition.uncertainty}
        edition.pipeline, edition.uncertainty, edition.base_edition = (
            pipeline,
            uncertainty,
            base_edition,
        )
        for key, value in (calendar or {}).items():
            setattr(edition, key, value)
        edition.save()
        record(
            "edition.method",
            edition,
            actor=by,
            old=old,
            new={"pipeline": pipeline, "uncertainty": uncertainty},
        )


def publish_edition(edition: Edition, *, by, computation: Computation | None = None) -> None:
    """Make the latest successful computation (or the one given) public."""
    if not permissions.can_run_edition(by, edition):
        raise PermissionDenied
    if edition.is_published:
        raise EditionError([_("This edition is already published.")])
    computation = computation or edition.computations.filter(status=Computation.Status.DONE).first()
    if (
        computation is None
        or computation.status != Computation.Status.DONE
        or computation.edition_id != edition.pk
    ):
        raise EditionError([_("Compute the results before publishing them.")])
    with transaction.atomic():
        edition.status = Edition.Status.PUBLISHED
        edition.published_computation = computation
        edition.published_at = timezone.now()
        edition.save()
        record("edition.publish", edition, actor=by, computation=computation.pk)
