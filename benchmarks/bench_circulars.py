"""A circular to 10,000 members through a real SMTP server on loopback: throughput, no duplicate.

The circular is sent the way the worker sends it (`deliver_circular`: batches of outbox rows,
one SMTP connection per batch, Django's SMTP backend) to an aiosmtpd server on 127.0.0.1 that
counts what arrives. Prints the time, the messages per second, and checks that each member
received exactly one message, in their language.

    .venv/bin/python benchmarks/bench_circulars.py [--members 10000]

Runs on a throwaway SQLite database. Timings on a shared machine are inflated by other jobs.
"""

import argparse
import collections
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CITYLOOM_DATA_DIR", tempfile.mkdtemp(prefix="cityloom-bench-circulars-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")
# Delivery runs in this process, as the worker would run it; nothing is queued for later.
os.environ["CITYLOOM_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from cityloom.communications import queries, services  # noqa: E402
from cityloom.network.models import City, Commission, Membership, Organisation  # noqa: E402
from tests.smtp import LoopbackSMTP  # noqa: E402

LANGUAGES = ("en", "fr", "es")
# aiosmtpd logs each command of each conversation: 10,000 messages would drown the figures.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def setup(members: int):
    User = get_user_model()
    organisation = Organisation.objects.create(name="Benchmark network", acronym="BN")
    commission = Commission.objects.create(organisation=organisation, slug="bench", name="Bench")
    city = City.objects.create(
        geonames_id=3128026,
        name="Bilbao",
        country_code="ES",
        country_name="Spain",
        region="europe",
        latitude=43.26,
        longitude=-2.93,
    )
    Membership.objects.create(
        city=city, commission=commission, status="active", joined_on="2010-01-01"
    )
    secretariat = User.objects.create_user("secretariat@bench.example.org")
    commission.secretariat.add(secretariat)
    User.objects.bulk_create(
        (
            User(email=f"member{i}@bench.example.org", city=city, language=LANGUAGES[i % 3])
            for i in range(members)
        ),
        batch_size=1000,
    )
    circular = services.create_circular(
        commission,
        by=secretariat,
        audience="members",
        subject="Dissemination of the Study",
        subject_fr="Diffusion de l'Étude",
        subject_es="Difusión del Estudio",
        body="The **Study** is out: " + "lorem ipsum " * 100,
    )
    return circular, secretariat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    members = parser.parse_args().members
    call_command("migrate", verbosity=0)
    circular, secretariat = setup(members)
    with LoopbackSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = False
        started = time.perf_counter()
        with transaction.atomic():
            count = services.send_circular(
                circular, by=secretariat, expected=len(queries.audience_people(circular))
            )
        queued = time.perf_counter() - started
        services.deliver_circular(circular.pk)
        delivered = time.perf_counter() - started - queued
        elapsed = time.perf_counter() - started
        received = collections.Counter(str(m["To"]) for m in server.messages)
        subjects = {str(m["To"]): str(m["Subject"]) for m in server.messages}
    duplicates = sum(1 for n in received.values() if n > 1)
    missing = count - len(received)
    wrong_language = sum(
        1
        for i in range(members)
        if not subjects.get(f"member{i}@bench.example.org", "").endswith(
            ("Study", "l'Étude", "Estudio")[i % 3]
        )
    )
    print(f"recipients:            {count}")
    print(f"numbered and fixed in: {queued:.2f} s")
    print(f"delivered in:          {delivered:.2f} s ({count / delivered:.0f} messages/s)")
    print(f"in all:                {elapsed:.2f} s")
    print(f"throughput:            {count / elapsed:.0f} messages/s")
    print(f"duplicates:            {duplicates}")
    print(f"missing:               {missing}")
    print(f"wrong language:        {wrong_language}")
    if duplicates or missing or wrong_language:
        sys.exit(1)


if __name__ == "__main__":
    main()
