"""Latency of mentor suggestions and of pairing every open request, through the database.

A commission of 1,000 member cities, each with a published Study result on the six axes and
five published practices; 200 open requests. Runs against a throwaway SQLite database, or
PostgreSQL when DATABASE_URL is set. Prints the median and 95th percentile of one request's
suggestions (database reads + engine) and the time to plan the pairing of all requests.
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CITYLOOM_DATA_DIR", tempfile.mkdtemp(prefix="cityloom-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cityloom.engines.matching import AXES  # noqa: E402
from cityloom.mentoring import services  # noqa: E402
from cityloom.mentoring.models import MentoringRequest  # noqa: E402
from cityloom.network.models import City, Commission, Membership, Organisation, Region  # noqa: E402
from cityloom.practices.models import Practice  # noqa: E402
from cityloom.study.models import CityResult, Computation, Edition  # noqa: E402
from cityloom.study.services.computation import snapshot_structure  # noqa: E402
from cityloom.study.services.frameworks import import_framework, read_framework  # noqa: E402

N_CITIES = int(os.environ.get("BENCH_MENTORING_CITIES", "1000"))
N_REQUESTS = int(os.environ.get("BENCH_MENTORING_REQUESTS", "200"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))
WORDS = [
    "ticketing",
    "bus",
    "metro",
    "tram",
    "cycling",
    "parking",
    "traffic",
    "sensors",
    "open",
    "data",
    "portal",
    "e-government",
    "broadband",
    "skills",
    "training",
    "startups",
    "incubator",
    "energy",
    "waste",
    "water",
    "air",
    "quality",
    "housing",
    "health",
    "tourism",
    "culture",
    "participation",
    "budget",
    "transparency",
    "mobile",
    "payments",
]
FRAMEWORK = "\n".join(
    [
        "schema_version: 1",
        "id: bench-mentoring",
        "name: {en: Bench framework}",
        "structure:",
        "  levels: [axis, indicator]",
        "tree:",
    ]
    + [
        line
        for i, axis in enumerate(AXES)
        for line in (
            f"- level: axis\n  code: A{i}\n  name: {{en: {axis}}}\n  axis: {axis}",
            f"  indicators:\n  - {{code: A{i}.1, name: {{en: i{i}}}, unit: u}}",
        )
    ]
)


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def build() -> Commission:
    rng = random.Random(7)
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        organisation = Organisation.objects.create(name="Bench", acronym="B")
        commission = Commission.objects.create(organisation=organisation, slug="bench", name="B")
        regions = list(Region.values)
        cities = City.objects.bulk_create(
            City(
                geonames_id=10_000_000 + i,
                name=f"City {i}",
                country_code="FR",
                country_name="France",
                region=rng.choice(regions),
                population=rng.randint(20_000, 5_000_000),
                latitude=0,
                longitude=0,
                languages=",".join(rng.sample(["en", "fr", "es", "de", "pt"], 2)),
            )
            for i in range(N_CITIES)
        )
        Membership.objects.bulk_create(Membership(city=c, commission=commission) for c in cities)
        Practice.objects.bulk_create(
            Practice(
                commission=commission,
                city=c,
                title=_text(rng, 4),
                summary=_text(rng, 30),
                axis=rng.choice(AXES),
                problem=_text(rng, 30),
                solution=_text(rng, 30),
                language="en",
                status=Practice.Status.PUBLISHED,
                published_at=timezone.now(),
                country_code="FR",
                region=c.region,
                city_size="medium",
            )
            for c in cities
            for _ in range(5)
        )
        framework = import_framework(read_framework(FRAMEWORK))
        edition = Edition.objects.create(
            commission=commission, framework=framework, year=2014, title="Study 2014"
        )
        computation = Computation.objects.create(
            edition=edition, status="done", structure=snapshot_structure(framework)
        )
        scores = {c.pk: {f"A{k}": rng.uniform(0, 100) for k in range(len(AXES))} for c in cities}
        ranks = {}
        for k in range(len(AXES)):
            order = sorted(cities, key=lambda c, k=k: -scores[c.pk][f"A{k}"])
            for r, c in enumerate(order, start=1):
                ranks.setdefault(c.pk, {})[f"A{k}"] = r
        CityResult.objects.bulk_create(
            CityResult(
                computation=computation, city=c, groups=scores[c.pk], group_ranks=ranks[c.pk]
            )
            for c in cities
        )
        Edition.objects.filter(pk=edition.pk).update(
            status="published", published_computation=computation
        )
        MentoringRequest.objects.bulk_create(
            MentoringRequest(
                commission=commission,
                city=rng.choice(cities),
                axes=rng.sample(AXES, 2),
                need=_text(rng, 25),
                languages="en",
                starts_on=dt.date(2026, 1, 1),
            )
            for _ in range(N_REQUESTS)
        )
    return commission


def main() -> None:
    commission = build()
    requests = list(MentoringRequest.objects.select_related("city", "commission")[:REPEATS])
    times = []
    for request in requests:
        start = time.perf_counter()
        result = services.suggest_mentors(request)
        times.append(time.perf_counter() - start)
        assert len(result.suggestions) == 10
    times.sort()
    print(
        f"suggestions, {N_CITIES} cities x 5 practices: median {statistics.median(times):.3f} s, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.3f} s"
    )
    start = time.perf_counter()
    try:
        plan = services.plan_pairings(commission)
    except services.MentoringError as exc:
        print(f"pair {N_REQUESTS} open requests: failed, {exc.messages[0]}")
        return
    elapsed = time.perf_counter() - start
    print(
        f"pair {N_REQUESTS} open requests: {elapsed:.3f} s, total {plan.assignment.total:.3f} "
        f"vs one by one {plan.assignment.greedy_total:.3f}, {len(plan.assignment.changes)} changed"
    )


if __name__ == "__main__":
    main()
