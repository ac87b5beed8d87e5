"""Served pages under load (issue 18): gunicorn with 2 sync workers on loopback, the demo data.

Prepares a throwaway data directory (`cityloom demo --no-serve`, collected static files), starts
gunicorn on the demo and, beside it, on a bare Django view (no middleware, no database), then
drives each URL with a fixed number of concurrent connections for a bounded time. Per URL:
requests per second, 95th percentile, and the workers' CPU time per request (read from /proc),
as an anonymous visitor (the page cache answers) and as a render (a session cookie bypasses
it). Then 200 visitors, each waiting 1 s between pages, for a bounded time.

The load generator is Python threads on the same 2 cores as the server: it takes CPU from the
workers, so throughput here is a lower bound; worker CPU per request is not affected.

CITYLOOM_BENCH_LONG=1 runs the issue's protocol (20 s per URL, four rounds interleaved, 20 s of
200 visitors); the default is 2 s per URL, one round, 10 s of visitors. CITYLOOM_BENCH_DATA_DIR
names a data directory to prepare once and reuse.
"""

import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONG = os.environ.get("CITYLOOM_BENCH_LONG") == "1"
SECONDS_PER_URL = 20.0 if LONG else 2.0
ROUNDS = 4 if LONG else 1
CONNECTIONS = 32
VISITORS = 200
THINK_SECONDS = 1.0
VISIT_SECONDS = 20.0 if LONG else 10.0
MAX_REQUESTS_PER_URL = 200_000
TICKS = os.sysconf("SC_CLK_TCK")

# The issue's goals.
SHARE_OF_BARE = 0.25
UNCACHED_CPU_MS = 4.0
VISITORS_P95_MS = 300.0


def bare_application(environ, start_response):
    """A bare Django view, served the same way: the yardstick the pages are measured against."""
    global _bare
    if _bare is None:
        import django
        from django.conf import settings
        from django.http import HttpResponse
        from django.urls import path

        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
        )
        django.setup()
        global urlpatterns
        urlpatterns = [path("", lambda request: HttpResponse("Hello, world."))]
        from django.core.wsgi import get_wsgi_application

        _bare = get_wsgi_application()
    return _bare(environ, start_response)


_bare = None
urlpatterns: list = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: str) -> dict:
    return {
        **os.environ,
        "CITYLOOM_DATA_DIR": data_dir,
        "CITYLOOM_COLLECTED_STATIC": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
    }


def prepare(data_dir: str) -> None:
    cityloom = [sys.executable, "-m", "cityloom.cli"]
    started = time.perf_counter()
    for command in (["demo", "--no-serve"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        subprocess.run(
            [*cityloom, *command],
            env=_env(data_dir),
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"demo data ready in {time.perf_counter() - started:.0f} s")


def start_gunicorn(app: str, data_dir: str, *extra: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level=warning",
            *extra,
        ],
        env=_env(data_dir),
        cwd=ROOT,
        process_group=0,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body = get(port, "/")
            if status < 500:
                return process, port
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn ({app}) did not answer in time")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, 9)
        process.wait()


def get(port: int, url: str, headers: dict | None = None) -> tuple[int, bytes]:
    # gunicorn's sync workers close each connection after its answer: one connection a request.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url, headers={"Accept-Encoding": "gzip", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the master's worker processes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def drive(port: int, master: int, url: str, headers: dict) -> dict:
    """CONNECTIONS threads asking for `url` for SECONDS_PER_URL; latencies and errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS_PER_URL

    def loop():
        mine = []
        failed = 0
        while time.monotonic() < stop_at and len(mine) < MAX_REQUESTS_PER_URL // CONNECTIONS:
            t0 = time.perf_counter()
            try:
                status, _body = get(port, url, headers)
                if status != 200:
                    failed += 1
            except OSError:
                failed += 1
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    cpu0, t0 = workers_cpu(master), time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, cpu = time.perf_counter() - t0, workers_cpu(master) - cpu0
    latencies.sort()
    n = len(latencies)
    return {
        "n": n,
        "rps": n / elapsed,
        "p95": latencies[int(0.95 * (n - 1))] if n else float("nan"),
        "cpu_ms": cpu * 1000 / n if n else float("nan"),
        "errors": errors[0],
    }


def visitors(port: int, urls: list[str]) -> dict:
    """VISITORS people, each asking for a page of the mix, reading it for THINK_SECONDS."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + VISIT_SECONDS

    def visitor(seed: int):
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, THINK_SECONDS))  # arrivals spread over the first second
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                status, _body = get(port, rng.choice(urls))
                failed += status != 200
            except OSError:
                failed += 1
            mine.append((time.perf_counter() - t0) * 1000)
            time.sleep(THINK_SECONDS)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    t0 = time.perf_counter()
    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(VISITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    n = len(latencies)
    return {
        "n": n,
        "rps": n / elapsed,
        "median": statistics.median(latencies),
        "p95": latencies[int(0.95 * (n - 1))],
        "errors": errors[0],
    }


def issue_urls(data_dir: str) -> list[tuple[str, str]]:
    """The issue's URLs, with the demo's keys read from its database."""
    code = (
        "from cityloom.network.models import City;"
        "from cityloom.study.models import Edition;"
        "b = City.objects.get(name='Bilbao', country_code='ES');"
        "e = Edition.objects.published().filter(year=2012).first();"
        "print('urls', b.geonames_id, e.pk if e else '')"
    )
    out = subprocess.run(
        [sys.executable, "-m", "cityloom.cli", "shell", "-c", code],
        env=_env(data_dir),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    out = next(line for line in out.splitlines() if line.startswith("urls ")).split()[1:]
    urls = [
        ("/fr/ (home)", "/fr/"),
        ("/fr/members/", "/fr/members/"),
        ("city profile (Bilbao)", f"/fr/cities/{out[0]}/"),
    ]
    if len(out) > 1:
        urls.append(("Study 2012 ranking", f"/fr/study/editions/{out[1]}/"))
    urls += [
        ("/fr/practices/?q=mobilite", "/fr/practices/?q=mobilite"),
        ("/api/v1/members", "/api/v1/members"),
    ]
    return urls


def main() -> None:
    # CITYLOOM_BENCH_DATA_DIR keeps a prepared directory between runs (it is then not removed).
    kept = os.environ.get("CITYLOOM_BENCH_DATA_DIR")
    data_dir = kept or tempfile.mkdtemp(prefix="cityloom-load-")
    print(f"load: {CONNECTIONS} connections, {SECONDS_PER_URL:g} s per URL, {ROUNDS} round(s)")
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()} (a shared machine)")
    servers = []
    try:
        if not (kept and (Path(data_dir) / "static" / "staticfiles.json").exists()):
            prepare(data_dir)
        urls = issue_urls(data_dir)
        bare, bare_port = start_gunicorn(
            "bench_load:bare_application", data_dir, "--pythonpath", str(ROOT / "benchmarks")
        )
        servers.append(bare)
        site, port = start_gunicorn("cityloom.wsgi:application", data_dir)
        servers.append(site)
        for _label, url in urls:  # warm: the first render of each page fills its caches
            assert get(port, url)[0] == 200, url
        # A session cookie with no session behind it: the page cache may not answer, the page
        # renders as for a visitor.
        render = {"Cookie": "sessionid=bench-no-such-session"}
        runs: dict[tuple[str, str], list[dict]] = {}
        for _round in range(ROUNDS):
            runs.setdefault(("bare Django view", ""), []).append(
                drive(bare_port, bare.pid, "/", {})
            )
            for label, url in urls:
                runs.setdefault((label, "cached"), []).append(drive(port, site.pid, url, {}))
                runs.setdefault((label, "render"), []).append(drive(port, site.pid, url, render))
        bare_rps = statistics.median(r["rps"] for r in runs[("bare Django view", "")])
        print(
            f"\n{'URL':30} {'as':7} {'req/s':>8} {'p95 ms':>8} {'CPU ms/req':>10} "
            f"{'errors':>6}  goal"
        )
        for (label, mode), results in runs.items():
            rps = statistics.median(r["rps"] for r in results)
            p95 = statistics.median(r["p95"] for r in results)
            cpu = statistics.median(r["cpu_ms"] for r in results)
            errors = sum(r["errors"] for r in results)
            if mode == "cached":
                goal = f"req/s >= {SHARE_OF_BARE:.0%} of bare ({SHARE_OF_BARE * bare_rps:,.0f})"
                goal += ": met" if rps >= SHARE_OF_BARE * bare_rps else ": missed"
            elif mode == "render":
                goal = f"CPU < {UNCACHED_CPU_MS:g} ms/req"
                goal += ": met" if cpu < UNCACHED_CPU_MS else f": missed by {cpu - 4:.1f} ms"
            else:
                goal = "the yardstick"
            print(f"{label:30} {mode:7} {rps:8,.0f} {p95:8.1f} {cpu:10.2f} {errors:6}  {goal}")
        mix = [url for _label, url in urls]
        result = visitors(port, mix)
        verdict = (
            "met"
            if result["p95"] < VISITORS_P95_MS and not result["errors"]
            else f"missed ({result['p95'] - VISITORS_P95_MS:+.0f} ms, {result['errors']} errors)"
        )
        print(
            f"\n{VISITORS} visitors, {THINK_SECONDS:g} s think time, {VISIT_SECONDS:g} s: "
            f"{result['n']} requests, {result['rps']:.0f} req/s, median {result['median']:.1f} ms, "
            f"p95 {result['p95']:.1f} ms, {result['errors']} errors; "
            f"goal p95 < {VISITORS_P95_MS:g} ms and no error: {verdict}"
        )
        print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")
    finally:
        for process in servers:
            stop(process)
        if not kept:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
