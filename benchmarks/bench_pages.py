"""Page weight and time with the demo network at 1x, 10x and 100x its member cities (issue 18).

Runs against a throwaway SQLite database (or DATABASE_URL if set), after `cityloom demo --no-serve`,
with in-process requests. For each page and scale it prints the bytes sent (and gzipped), the
median and 95th percentile of a render (a request the page cache may not answer: a visitor
with a session cookie), and the 95th percentile of an anonymous visitor's request served from
the page cache. The goal: weight and time flat from 1x to 100x; the home page under 40 KB.

CITYLOOM_BENCH_SCALES=1,10,100 and CITYLOOM_BENCH_REPEATS=30 change what is measured.
"""

import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CITYLOOM_DATA_DIR", tempfile.mkdtemp(prefix="cityloom-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cityloom.core import cache as page_cache  # noqa: E402
from cityloom.network.models import City, Commission, Membership  # noqa: E402
from cityloom.study.models import Edition  # noqa: E402

SCALES = [int(s) for s in os.environ.get("CITYLOOM_BENCH_SCALES", "1,10,100").split(",")]
REPEATS = int(os.environ.get("CITYLOOM_BENCH_REPEATS", "30"))
HOME_GOAL_BYTES = 40 * 1024


def pages() -> list[tuple[str, str]]:
    bilbao = City.objects.get(name="Bilbao", country_code="ES")
    commission = Commission.objects.order_by("pk").first()
    study = Edition.objects.published().filter(year=2012).first() or (
        Edition.objects.published().order_by("year").first()
    )
    out = [
        ("home", "/fr/"),
        ("member directory", "/fr/members/"),
        ("directory, page 2", "/fr/members/?page=2"),
        ("directory, filtered", "/fr/members/?region=europe&q=bo"),
        ("city profile (Bilbao)", f"/en/cities/{bilbao.geonames_id}/"),
        ("commission page", f"/es/commissions/{commission.slug}/"),
        ("members map", "/en/members/map/"),
        ("API members", "/api/v1/members?limit=50"),
        ("API city search", "/api/v1/cities?q=bilbo"),
    ]
    if study is not None:
        out += [
            (f"Study {study.year} ranking", f"/en/study/editions/{study.pk}/"),
            (f"API Study {study.year} results", f"/api/v1/study/editions/{study.pk}/results"),
        ]
    return out


def grow_network(target: int) -> int:
    """Active members of the demo's first commission until `target` member cities (GeoNames'
    biggest cities first); returns how many member cities there are."""
    commission = Commission.objects.order_by("pk").first()
    members = City.objects.members().count()
    if members < target:
        cities = (
            City.objects.exclude(memberships__commission=commission)
            .order_by("-population")
            .values_list("pk", flat=True)[: target - members]
        )
        Membership.objects.bulk_create(
            Membership(
                city_id=pk,
                commission=commission,
                status="active",
                joined_on=f"{2005 + i % 9}-06-01",
            )
            for i, pk in enumerate(cities)
        )
        page_cache.data_changed()  # bulk_create sends no signal
    return City.objects.members().count()


def measure(client: Client, url: str) -> list[float]:
    timings = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings)


def p95(timings: list[float]) -> float:
    return timings[int(0.95 * (len(timings) - 1))]


def main() -> None:
    started = time.perf_counter()
    call_command("demo", no_serve=True, verbosity=0)
    print(f"demo database ready in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    base = City.objects.members().count()
    urls = pages()
    # A visitor the page cache may not answer: a session cookie (no session behind it).
    renderer = Client(HTTP_ACCEPT_ENCODING="gzip")
    renderer.cookies[settings.SESSION_COOKIE_NAME] = "bench-no-such-session"
    visitor = Client(HTTP_ACCEPT_ENCODING="gzip")
    plain = Client()
    results: dict[str, dict[int, tuple]] = {}
    for scale in SCALES:
        members = grow_network(base * scale)
        print(f"\n{scale}x: {members} member cities")
        print(
            f"{'page':28} {'bytes':>9} {'gzipped':>8} {'median ms':>10} {'p95 ms':>7} "
            f"{'cached p95':>10}"
        )
        for label, url in urls:
            response = plain.get(url)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
            zipped = len(gzip.compress(response.content))
            renderer.get(url)  # warm: the map's drawing is made once per data version
            rendered = measure(renderer, url)
            visitor.get(url)
            cached = measure(visitor, url)
            results.setdefault(label, {})[scale] = (size, p95(rendered))
            print(
                f"{label:28} {size:9,} {zipped:8,} {statistics.median(rendered):10.1f} "
                f"{p95(rendered):7.1f} {p95(cached):10.2f}"
            )
    home = results["home"][SCALES[0]][0]
    verdict = "met" if home < HOME_GOAL_BYTES else f"missed by {home - HOME_GOAL_BYTES:,} bytes"
    print(f"\nhome page {home:,} bytes; goal under {HOME_GOAL_BYTES:,}: {verdict}")
    if len(SCALES) > 1:
        low, high = SCALES[0], SCALES[-1]
        print(f"growth from {low}x to {high}x (goal: flat)")
        for label, by_scale in results.items():
            (b0, t0), (b1, t1) = by_scale[low], by_scale[high]
            print(f"  {label:28} bytes x{b1 / b0:5.2f}   p95 x{t1 / t0:5.2f}")


if __name__ == "__main__":
    main()
