"""Mentoring test data: a published Study edition with axis scores, requests, programmes."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cityloom.mentoring.models import MentoringRequest, Milestone, Mode, Programme
from cityloom.study.models import CityResult, Computation, Edition
from cityloom.study.services.computation import snapshot_structure
from cityloom.study.services.editions import create_edition
from cityloom.study.services.frameworks import import_framework, read_framework
from tests.factories import CityFactory, CommissionFactory, UserFactory

User = get_user_model()

FRAMEWORK = """
schema_version: 1
id: mentoring-test
name: {en: Mentoring test framework}
structure:
  levels: [axis, indicator]
tree:
- level: axis
  code: ECO
  name: {en: Economy}
  axis: economy
  indicators:
  - {code: ECO.1, name: {en: R&D spending}, unit: percent, direction: higher_is_better}
- level: axis
  code: MOB
  name: {en: Mobility}
  axis: mobility
  indicators:
  - {code: MOB.1, name: {en: Public transport share}, unit: percent, direction: higher_is_better}
"""


def focal_point(city, **kwargs):
    return UserFactory(city=city, role=User.Role.FOCAL_POINT, **kwargs)


def publish_results(commission, results: dict, *, year=2014, framework=None):
    """A published edition whose results are `{city: {"MOB": (score, rank), ...}}`."""
    from cityloom.study.models import Framework

    framework = framework or Framework.objects.filter(slug="mentoring-test").first()
    if framework is None:
        framework = import_framework(read_framework(FRAMEWORK))
    edition = create_edition(
        commission=commission,
        framework=framework,
        year=year,
        title=f"Smart Cities Study {year}",
        cities=list(results),
    )
    computation = Computation.objects.create(
        edition=edition,
        status=Computation.Status.DONE,
        structure=snapshot_structure(framework),
    )
    for city, groups in results.items():
        CityResult.objects.create(
            computation=computation,
            city=city,
            score=sum(s for s, _r in groups.values()) / len(groups),
            rank=1,
            groups={code: s for code, (s, _r) in groups.items()},
            group_ranks={code: r for code, (_s, r) in groups.items()},
            indicators={f"{code}.1": s for code, (s, _r) in groups.items()},
        )
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.PUBLISHED,
        published_computation=computation,
        published_at=timezone.now(),
    )
    edition.refresh_from_db()
    return edition


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringRequest

    commission = factory.SubFactory(CommissionFactory)
    city = factory.SubFactory(CityFactory)
    axes = factory.LazyFunction(lambda: ["mobility"])
    need = "We want to improve public transport ticketing."
    mode = Mode.STRUCTURED


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    commission = factory.SubFactory(CommissionFactory)
    mentor = factory.SubFactory(CityFactory)
    mentee = factory.SubFactory(CityFactory)
    axes = factory.LazyFunction(lambda: ["mobility"])
    started_on = dt.date(2025, 1, 15)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = dt.date(2025, 3, 1)
