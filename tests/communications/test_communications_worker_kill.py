"""Kill a real worker (kill -9) in the middle of a circular: a second one finishes, no duplicate.

The same set-up as tests/core/test_worker_kill.py (whose helpers it uses): `cityloom db_worker`
subprocesses on a database shared with this test, a real SMTP server on loopback that holds
one message without answering while the first worker is killed.
"""

import collections
import signal
import subprocess
import sys

import pytest

from cityloom.communications.models import Circular
from cityloom.core.models import OutgoingMail
from tests.core.test_worker_kill import (  # noqa: F401 (shared_database is a fixture)
    CITYLOOM,
    ROOT,
    _environment,
    _wait,
    shared_database,
)

MEMBERS = 250
HELD = 130  # in the second batch of 100

SEND = f"""
import django
django.setup()
from django.db import transaction
from cityloom.accounts.models import User
from cityloom.communications import queries, services
from cityloom.network.models import City, Commission, Membership, Organisation

organisation = Organisation.objects.create(name="UCLG")
commission = Commission.objects.create(
    organisation=organisation, slug="digital-cities", name="Digital Cities"
)
city = City.objects.create(
    geonames_id=3128026, name="Bilbao", country_code="ES", country_name="Spain",
    region="europe", latitude=43.26, longitude=-2.93,
)
Membership.objects.create(city=city, commission=commission, status="active", joined_on="2010-01-01")
secretariat = User.objects.create_user("secretariat@example.org")
commission.secretariat.add(secretariat)
languages = ["en", "fr", "es"]
User.objects.bulk_create(
    User(email=f"member{{i}}@example.org", city=city, language=languages[i % 3])
    for i in range({MEMBERS})
)
circular = services.create_circular(
    commission, by=secretariat, audience="members",
    subject="Subject", subject_fr="Sujet", subject_es="Asunto", body="Text",
)
with transaction.atomic():
    services.send_circular(circular, by=secretariat, expected={MEMBERS})
"""


@pytest.mark.slow
def test_killed_worker_mid_circular_every_member_gets_it_once(smtp, shared_database, tmp_path):  # noqa: F811 (the imported fixture)
    database = shared_database
    env = _environment(database, port=smtp.port, data=tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", SEND], env=env, cwd=ROOT, check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    circulars, mails = Circular._meta.db_table, OutgoingMail._meta.db_table

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
        assert database.counts(circulars, "status") == {"sending": 1}
        states = database.counts(mails, "state")
        assert (states["sent"], states["sending"]) == (HELD - 1, 1)

        with logs[1].open("w") as log:
            second = subprocess.Popen(
                [str(CITYLOOM), *worker, "second"], env=env, cwd=ROOT, stdout=log, stderr=log
            )
        started.append(second)
        _wait(
            lambda: (
                database.counts(mails, "state") == {"sent": MEMBERS}
                and database.counts(circulars, "status") == {"sent": 1}
            ),
            what="every member's message to be sent",
            logs=logs,
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)

    recipients = collections.Counter(str(m["To"]) for m in smtp.messages)
    assert recipients == collections.Counter(f"member{i}@example.org" for i in range(MEMBERS))
    # Each in their language: the French members got the French subject.
    subjects = {str(m["To"]): str(m["Subject"]) for m in smtp.messages}
    assert subjects["member1@example.org"].endswith(": Sujet")
    assert subjects["member2@example.org"].endswith(": Asunto")
    [held] = smtp.held
    rows = dict(database.rows(f'SELECT "to", attempts FROM {mails}'))
    assert rows == {**dict.fromkeys(recipients, 1), str(held["To"]): 2}
