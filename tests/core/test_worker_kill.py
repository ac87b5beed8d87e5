"""Kill a real task worker (kill -9) in the middle of a batch of e-mails: every one arrives once.

Runs `cityloom db_worker` as a subprocess on a database it shares with this test (PostgreSQL's
test database, or an SQLite file migrated for the occasion) and sends to a real SMTP server on
loopback. The server holds one message without answering; the worker is killed right then,
inside the SMTP conversation, and a second worker must take the batch over by itself.
"""

import collections
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from cityloom.core.models import OutgoingMail

ROOT = Path(__file__).resolve().parents[2]
CITYLOOM = Path(sys.executable).parent / "cityloom"
MAILS = 200
HELD = 60  # the worker is killed while the server holds the 60th message
LEASE = "2"  # seconds: short, so the second worker declares the first dead quickly

QUEUE = f"""
import django
django.setup()
from django.db import transaction
from cityloom.core.mail import queue_mail
with transaction.atomic():
    for i in range({MAILS}):
        queue_mail(
            to=f"member{{i}}@example.org",
            template="network/email/application_received",
            context={{"contact_name": f"Member {{i}}", "city": "Alcorcón", "commission": "DC"}},
            language="en",
        )
"""


class SharedDatabase:
    """The database as the subprocesses see it, read with a plain client (no Django)."""

    def __init__(self, url: str, sqlite_path: Path | None):
        self.url = url
        self.sqlite_path = sqlite_path

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=10) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def counts(self, table: str, column: str) -> dict[str, int]:
        return dict(self.rows(f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}"))


@pytest.fixture
def shared_database(tmp_path, transactional_db) -> SharedDatabase:
    # transactional_db as a parameter, not through getfixturevalue: asked for late, the test
    # database is not yet in `connection.settings_dict` when this test runs alone.
    if connection.vendor == "postgresql":
        # pytest's PostgreSQL test database, with committed rows the subprocesses can see.
        s = connection.settings_dict
        auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        url = f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        return SharedDatabase(url, None)
    # pytest's SQLite database lives in this process's memory: the worker needs a file.
    path = tmp_path / "shared.sqlite3"
    database = SharedDatabase(f"sqlite:///{path}", path)
    subprocess.run(
        [str(CITYLOOM), "migrate", "--verbosity", "0"],
        env=_environment(database, port=0, data=tmp_path),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return database


def _environment(database: SharedDatabase, *, port: int, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CITYLOOM_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cityloom.settings",
        DATABASE_URL=database.url,
        CITYLOOM_DATA_DIR=str(data),
        CITYLOOM_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="false",
        CITYLOOM_WORKER_LEASE=LEASE,
        DEBUG="false",
    )
    return env


def _wait(condition, *, what: str, logs: list[Path], timeout: float = 120) -> None:
    # A bound on waiting, not a timing assertion: a stuck run fails instead of hanging CI.
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            output = "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}" for p in logs if p.exists())
            pytest.fail(f"gave up waiting for {what}\n{output}")
        time.sleep(0.1)


@pytest.mark.slow
def test_killed_worker_mid_batch_every_mail_sent_exactly_once(smtp, shared_database, tmp_path):
    database = shared_database
    env = _environment(database, port=smtp.port, data=tmp_path)
    queued = subprocess.run(
        [sys.executable, "-c", QUEUE],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert queued.returncode == 0, queued.stderr
    mails, tasks = OutgoingMail._meta.db_table, DBTaskResult._meta.db_table
    assert database.counts(mails, "state") == {"queued": MAILS}
    assert database.counts(tasks, "status") == {"READY": MAILS}

    smtp.hold(HELD)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    worker = ["db_worker", "--no-startup-delay", "--interval", "0.1", "--worker-id"]
    started = []
    try:
        with logs[0].open("w") as log:
            first = subprocess.Popen(
                [str(CITYLOOM), *worker, "first"], env=env, cwd=ROOT, stdout=log, stderr=log
            )
        started.append(first)
        _wait(lambda: smtp.wait_until_holding(0.1), what="the held message", logs=logs)
        first.send_signal(signal.SIGKILL)  # mid-batch, inside the SMTP conversation
        first.wait(timeout=30)
        smtp.release()
        assert len(smtp.messages) == HELD - 1
        assert database.counts(mails, "state") == {
            "sent": HELD - 1,
            "sending": 1,
            "queued": MAILS - HELD,
        }
        assert database.counts(tasks, "status") == {
            "SUCCESSFUL": HELD - 1,
            "RUNNING": 1,
            "READY": MAILS - HELD,
        }

        with logs[1].open("w") as log:
            second = subprocess.Popen(
                [str(CITYLOOM), *worker, "second"], env=env, cwd=ROOT, stdout=log, stderr=log
            )
        started.append(second)
        _wait(
            lambda: database.counts(tasks, "status") == {"SUCCESSFUL": MAILS},
            what="every task to succeed",
            logs=logs,
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)

    # Every member got exactly one message, the one the killed worker was sending included.
    recipients = collections.Counter(str(m["To"]) for m in smtp.messages)
    assert recipients == collections.Counter(f"member{i}@example.org" for i in range(MAILS))
    [held] = smtp.held
    rows = {
        to: (state, attempts, message_id)
        for to, state, attempts, message_id in database.rows(
            f'SELECT "to", state, attempts, message_id FROM {mails}'
        )
    }
    assert {to: state for to, (state, _a, _m) in rows.items()} == dict.fromkeys(rows, "sent")
    attempts = {to: a for to, (_s, a, _m) in rows.items()}
    assert attempts == {**dict.fromkeys(rows, 1), str(held["To"]): 2}
    # What arrived carries the row's Message-ID, the same on the attempt the kill cut short.
    assert {str(m["To"]): m["Message-ID"] for m in smtp.messages} == {
        to: message_id for to, (_s, _a, message_id) in rows.items()
    }
    assert held["Message-ID"] == rows[str(held["To"])][2]
    # The task the killed worker was running was taken up by the second one.
    runs = [
        tuple(json.loads(w) if isinstance(w, str) else w)
        for (w,) in database.rows(f"SELECT worker_ids FROM {tasks}")
    ]
    assert collections.Counter(runs) == {
        ("first",): HELD - 1,
        ("first", "second"): 1,
        ("second",): MAILS - HELD,
    }
