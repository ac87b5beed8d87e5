"""The reaper: what a dead worker left RUNNING is run again or failed; a live worker is let be."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cityloom.core import jobs, mail
from cityloom.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYLOOM_WORKER_LEASE = 60


def _running(*, workers: list[str], started: dt.datetime) -> DBTaskResult:
    row = mail.queue_mail(
        to="ana@alcorcon.example",
        template="network/email/application_received",
        context={"contact_name": "Ana", "city": "Alcorcón", "commission": "DC"},
        language="en",
    )
    result = mail.deliver_mail.enqueue(mail_id=row.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=workers
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_long_task_of_a_live_worker_is_left_running(database_tasks):
    started = timezone.now() - dt.timedelta(hours=2)
    task = _running(workers=["busy"], started=started)
    WorkerHeartbeat.objects.create(worker_id="busy", seen_at=timezone.now())
    assert jobs.reap().requeued == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_task_of_a_silent_worker_is_run_again_until_its_last_run(database_tasks):
    started = timezone.now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=started)
    once = _running(workers=["w1"], started=started)
    thrice = _running(workers=["w1", "w2", "w3"], started=started)
    reaped = jobs.reap()
    assert (reaped.requeued, reaped.failed) == (1, 1)
    once.refresh_from_db()
    thrice.refresh_from_db()
    assert once.status == TaskResultStatus.READY
    assert thrice.status == TaskResultStatus.FAILED
    assert thrice.traceback == "WorkerLost: worker w3 stopped during run 3 of 3\n"


def test_heartbeats_of_workers_gone_for_a_day_are_forgotten(database_tasks):
    WorkerHeartbeat.objects.create(worker_id="old", seen_at=timezone.now() - dt.timedelta(days=2))
    WorkerHeartbeat.objects.create(worker_id="recent", seen_at=timezone.now())
    jobs.reap()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]


def test_db_worker_command_is_the_one_with_the_reaper():
    assert get_commands()["db_worker"] == "cityloom.core"
