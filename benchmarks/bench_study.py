"""Smart Cities Study at scale: 1,000 cities x 100 indicators.

Times the whole computation task (reading the values from the database, the engine with
its uncertainty analysis, writing the results), then the results page and a city profile
(median and 95th percentile of in-process requests). Runs on a throwaway SQLite database,
or on DATABASE_URL if set (`scripts/with-postgres.sh .venv/bin/python benchmarks/bench_study.py`).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CITYLOOM_DATA_DIR", tempfile.mkdtemp(prefix="cityloom-bench-study-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django


def ensure_database() -> None:
    """A fresh PostgreSQL server (scripts/with-postgres.sh) has no `cityloom` database yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()
django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cityloom.network.models import City, Commission, Organisation, Region  # noqa: E402
from cityloom.study.models import Computation, Edition, Questionnaire, Value  # noqa: E402
from cityloom.study.services.computation import run_computation  # noqa: E402
from cityloom.study.services.editions import create_edition  # noqa: E402
from cityloom.study.services.frameworks import import_framework, read_framework  # noqa: E402

N_CITIES, N_AXES, N_FACTORS, N_INDICATORS = 1000, 5, 4, 5  # 5 x 4 x 5 = 100 indicators
REPEATS = 40


def framework_yaml() -> str:
    lines = [
        "id: bench-100",
        "name: {en: Benchmark framework}",
        "structure: {levels: [axis, factor, indicator]}",
        "tree:",
    ]
    for a in range(N_AXES):
        lines += [f"- code: A{a}", f"  name: {{en: Axis {a}}}", "  children:"]
        for f in range(N_FACTORS):
            lines += [f"  - code: A{a}.{f}", f"    name: {{en: Factor {a}.{f}}}", "    indicators:"]
            for i in range(N_INDICATORS):
                direction = "lower_is_better" if i == 4 else "higher_is_better"
                lines.append(
                    f"    - {{code: A{a}.{f}.{i}, name: {{en: Indicator {a}.{f}.{i}}}, "
                    f"unit: per inhabitant, direction: {direction}}}"
                )
    return "\n".join(lines)


def setup_data(rng: np.random.Generator) -> Edition:
    organisation = Organisation.objects.create(name="Benchmark network", acronym="BN")
    commission = Commission.objects.create(organisation=organisation, slug="bench", name="Bench")
    regions = [r.value for r in Region]
    City.objects.bulk_create(
        [
            City(
                geonames_id=20_000_000 + i,
                name=f"City {i:04d}",
                country_code="FR",
                country_name="France",
                region=regions[i % len(regions)],
                population=int(rng.lognormal(12.5, 1.0)),
                latitude=0.0,
                longitude=0.0,
            )
            for i in range(N_CITIES)
        ],
        batch_size=500,
    )
    cities = list(City.objects.filter(geonames_id__gte=20_000_000).order_by("geonames_id"))
    framework = import_framework(read_framework(framework_yaml()))
    edition = create_edition(
        commission=commission, framework=framework, year=2014, title="Benchmark", cities=cities
    )
    indicators = list(framework.nodes.indicators().order_by("position"))
    questionnaires = list(edition.questionnaires.order_by("city__geonames_id"))
    quality = rng.standard_normal(N_CITIES)
    rows = []
    for node in indicators:
        x = np.exp(rng.uniform(0, 3) + 0.5 * quality + 0.6 * rng.standard_normal(N_CITIES))
        missing = rng.random(N_CITIES) < 0.08
        rows += [
            Value(questionnaire=q, indicator=node, number=float(v))
            for q, v, m in zip(questionnaires, x.tolist(), missing.tolist(), strict=True)
            if not m
        ]
    Value.objects.bulk_create(rows, batch_size=5000)
    edition.questionnaires.update(status=Questionnaire.Status.ACCEPTED)
    return edition


def timings(client: Client, url: str) -> tuple[float, float]:
    assert client.get(url).status_code == 200, url
    out = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return statistics.median(out), out[int(0.95 * (len(out) - 1))]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("compile_catalogs", verbosity=0)
    rng = np.random.default_rng(42)
    t0 = time.perf_counter()
    edition = setup_data(rng)
    n_values = Value.objects.filter(questionnaire__edition=edition).count()
    print(
        f"data: {N_CITIES} cities x {N_AXES * N_FACTORS * N_INDICATORS} indicators, "
        f"{n_values} values, ready in {time.perf_counter() - t0:.1f} s ({connection.vendor})"
    )
    computation = Computation.objects.create(edition=edition)
    t0 = time.perf_counter()
    computation = run_computation(computation.pk)
    elapsed = time.perf_counter() - t0
    assert computation.status == Computation.Status.DONE, computation.errors
    runs = edition.uncertainty["runs"]
    print(
        f"computation task (DB read, engine + {runs} uncertainty runs, DB write): {elapsed:.2f} s"
    )
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.PUBLISHED, published_computation=computation
    )
    client = Client()
    pages = [
        ("results page (1,000 cities)", f"/en/study/editions/{edition.pk}/"),
        ("results, one region, by axis", f"/fr/study/editions/{edition.pk}/?region=europe&sort=A2"),
        ("city profile", f"/en/study/editions/{edition.pk}/cities/20000500/"),
        ("API results", f"/api/v1/study/editions/{edition.pk}/results"),
    ]
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8}")
    for label, url in pages:
        median, p95 = timings(client, url)
        print(f"{label:32} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
