"""`cityloom demo` serves with gunicorn and, once stopped, leaves no process behind (issue 12).

The demo is run for real as a subprocess on a free port, over a data directory prepared once by
`cityloom demo --no-serve`; every process it started (gunicorn's arbiter and workers, the task
worker, the feed poller) is read from /proc while it serves, and must be gone after the signal.
"""

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

ROOT = Path(__file__).resolve().parents[2]
CITYLOOM = [sys.executable, "-m", "cityloom.cli"]
READY_SECONDS = 600  # the demo reloads its data before it serves


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("DATABASE_URL", None)  # the demo is the embedded SQLite one
    env.update({"CITYLOOM_DATA_DIR": str(data_dir), "DEBUG": "false"})
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo-data")
    subprocess.run(
        [*CITYLOOM, "demo", "--no-serve"],
        env=_env(path),
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent id, process group) of a process, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def _all_processes() -> dict[int, tuple[str, int, int]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def _descendants(root: int) -> set[int]:
    table = _all_processes()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (_s, ppid, _g) in table.items() if ppid in frontier} - found
        found |= frontier
    return found


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _wait_ready(base: str, demo: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert demo.poll() is None, log.read_text()[-3000:]
        try:
            if _get(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("the demo did not answer /healthz in time:\n" + log.read_text()[-3000:])


def test_a_refused_request_logs_one_line_without_a_traceback(client, db):
    from tests.factories import MembershipRequestFactory, UserFactory

    (console,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    output = io.StringIO()
    previous = console.setStream(output)
    try:
        client.force_login(UserFactory())  # not the secretariat: refused
        application = MembershipRequestFactory()
        response = client.get(f"/en/my/requests/{application.pk}/decide/")
    finally:
        console.setStream(previous)
    assert response.status_code == 403
    assert "Forbidden (Permission denied)" in output.getvalue()
    assert "Traceback" not in output.getvalue()


def test_a_server_error_keeps_its_traceback():
    from cityloom.core.logfilters import ClientErrorsWithoutTraceback

    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(record)
    assert record.exc_info is not None


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_the_demo_serves_with_gunicorn_and_stops_everything_it_started(data_dir, tmp_path, stop):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [*CITYLOOM, "demo", "--addrport", f"127.0.0.1:{port}"],
            env=_env(data_dir),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # as in a terminal: the demo leads its own group
        )
    try:
        _wait_ready(base, demo, log)
        # The home page and the static files it links load, with DEBUG off (whitenoise).
        status, _type, body = _get(base + "/en/")
        assert status == 200
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
        assert assets
        for asset in assets:
            status, content_type, content = _get(base + asset)
            assert status == 200, asset
            assert content
        stylesheets = [a for a in assets if a.endswith(".css")]
        assert stylesheets
        status, content_type, _body = _get(base + stylesheets[0])
        assert (status, content_type.split(";")[0]) == (200, "text/css")
        # An unknown page is an answer, not a traceback in the console.
        assert _get(base + "/en/my-space-that-does-not-exist/")[0] == 404

        started = _descendants(demo.pid)
        commands = {
            pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for pid in started
        }
        assert any("gunicorn" in c for c in commands.values()), commands
        assert any("db_worker" in c for c in commands.values()), commands
        assert any("poll_feeds" in c for c in commands.values()), commands
        # gunicorn's arbiter and its two workers, the worker, the poller
        assert len(started) >= 5, commands
        groups = {_stat(pid)[2] for pid in started}

        demo.send_signal(stop)
        assert demo.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        survivors = {
            pid: stat
            for pid, stat in _all_processes().items()
            if (pid in started or stat[2] in groups) and stat[0] != "Z"
        }
        if not survivors:
            break
        time.sleep(0.2)
    assert not survivors, survivors
    output = log.read_text()
    assert "development server" not in output
    assert "Traceback" not in output, output[-3000:]
