"""Page timings with the demo network: median and 95th percentile of in-process requests.

Runs against a throwaway SQLite database (or DATABASE_URL if set), after `cityloom demo --no-serve`.
"""

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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = [
    ("home", "/en/"),
    ("member directory", "/en/members/"),
    ("directory, filtered", "/fr/members/?region=europe&q=bo"),
    ("city profile (Bilbao)", "/en/cities/3128026/"),
    ("commission structure", "/es/commissions/digital-cities/"),
    ("members map", "/en/members/map/"),
    ("API members", "/api/v1/members?limit=50"),
    ("API city search", "/api/v1/cities?q=bilbo"),
]
REPEATS = 50


def main() -> None:
    started = time.perf_counter()
    call_command("demo", no_serve=True, verbosity=0)
    print(f"demo database ready in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    client = Client()
    print(f"{'page':28} {'median ms':>10} {'p95 ms':>8}")
    for label, url in PAGES:
        assert client.get(url).status_code == 200, url  # warm-up, and a broken page is no figure
        timings = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"{label:28} {statistics.median(timings):10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
