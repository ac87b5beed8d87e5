"""Editions: creation, invited cities, calendar and status, the computation method, publication."""

import datetime as dt
from collections.abc import Iterable

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

DEFAULT_PIPELINE = {
    "treat": {"winmax": 5, "skew": 2.0, "kurt": 3.5},
    "normalise": {"method": "minmax", "lower": 0, "upper": 100},
    "aggregate": {"method": "amean"},
}
DEFAULT_UNCERTAINTY = {"runs": 200, "seed": 2012, "winmax": [1, 2, 3, 4, 5], "weights_noise": 0.25}
TRANSITIONS = {
    Edition.Status.DRAFT: {Edition.Status.OPEN},
    Edition.Status.OPEN: {Edition.Status.REVIEW, Edition.Status.DRAFT},
    Edition.Status.REVIEW: {Edition.Status.OPEN},
}


class EditionError(Exception):
    """A change to an edition that must not happen; `problems` lists messages."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


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
