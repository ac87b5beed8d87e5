"""Every e-mail is sent exactly once: the outbox row is claimed, sent, marked; re-runs do nothing."""

import datetime as dt
import socket

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from cityloom.core import jobs, mail
from cityloom.core.models import OutgoingMail, WorkerHeartbeat
from tests.core.worker import run_ready_tasks

pytestmark = pytest.mark.django_db

TEMPLATE = "network/email/application_received"
CONTEXT = {"contact_name": "Ana O'Neil", "city": "Alcorcón", "commission": "Digital Cities"}


def queue(to="ana@alcorcon.example", **kwargs) -> OutgoingMail:
    return mail.queue_mail(to=to, template=TEMPLATE, context=CONTEXT, language="en", **kwargs)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYLOOM_WORKER_LEASE = 60


def test_mail_is_sent_once_with_its_stable_message_id(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = queue()
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.SENT
    assert row.attempts == 1
    assert row.subject == "We received the request of Alcorcón"
    [message] = smtp.messages
    assert message["Message-ID"] == row.message_id
    assert message["To"] == "ana@alcorcon.example"
    assert "Dear Ana O'Neil," in message.get_content()
    # The task run again, twice, by hand and through the queue: nothing more goes out.
    assert mail.send_queued_mail(row.pk) == OutgoingMail.State.SENT
    mail.deliver_mail.enqueue(mail_id=row.pk)
    assert len(smtp.messages) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_rolled_back_change_queues_and_sends_nothing(smtp, django_capture_on_commit_callbacks):
    def approve_then_fail():
        with transaction.atomic():
            queue()
            raise RuntimeError("the membership could not be saved")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        approve_then_fail()
    assert OutgoingMail.objects.count() == 0
    assert smtp.messages == []


def test_mail_with_a_key_is_queued_once(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(key="membership:12:approved")
        second = queue(key="membership:12:approved")
    assert first.pk == second.pk
    assert len(smtp.messages) == 1


def test_task_queued_before_the_outbox_is_still_delivered_once(mailoutbox):
    mail.deliver_mail.enqueue(
        to="ana@alcorcon.example", template=TEMPLATE, context=CONTEXT, language="es"
    )
    [row] = OutgoingMail.objects.all()
    assert row.state == OutgoingMail.State.SENT
    [message] = mailoutbox
    assert message.subject == "[Cityloom] Hemos recibido la solicitud de Alcorcón"
    assert message.extra_headers["Message-ID"] == row.message_id


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()


def test_smtp_error_is_tried_again_later_then_given_up(
    smtp_down, database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    for attempt in range(1, mail.MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=True):
            assert mail.send_queued_mail(row.pk) == OutgoingMail.State.QUEUED
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutgoingMail.State.QUEUED, attempt)
        assert row.last_error.startswith("ConnectionRefusedError")
    retries = DBTaskResult.objects.filter(task_path="cityloom.core.mail.deliver_mail")
    # The first task (queued on commit), then one deferred task per failed attempt.
    assert retries.count() == mail.MAX_ATTEMPTS
    deferred = retries.exclude(run_after=get_date_max()).filter(run_after__gt=timezone.now())
    assert deferred.count() == mail.MAX_ATTEMPTS - 1
    assert mail.send_queued_mail(row.pk) == OutgoingMail.State.FAILED
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutgoingMail.State.FAILED, mail.MAX_ATTEMPTS)


def test_smtp_error_without_a_worker_fails_the_row_at_once(
    smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutgoingMail.State.FAILED, 1)


def _left_sending(row, *, worker, seen):
    WorkerHeartbeat.objects.create(worker_id=worker, seen_at=seen)
    OutgoingMail.objects.filter(pk=row.pk).update(
        state=OutgoingMail.State.SENDING, attempts=1, claimed_by=worker, claimed_at=seen
    )


def test_mail_a_dead_worker_was_sending_is_sent_again_with_the_same_message_id(
    smtp, database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    [task] = DBTaskResult.objects.all()
    now = timezone.now()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=now, worker_ids=["killed"]
    )
    _left_sending(row, worker="killed", seen=now)
    jobs.reap(now=now + dt.timedelta(seconds=30))  # within the lease: it may still be sending
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.SENDING
    reaped = jobs.reap(now=now + dt.timedelta(seconds=61))
    assert (reaped.requeued, reaped.mail_released) == (1, 1)
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.QUEUED
    assert run_ready_tasks() == 1
    row.refresh_from_db()
    task.refresh_from_db()
    assert (row.state, row.attempts) == (OutgoingMail.State.SENT, 2)
    assert task.status == TaskResultStatus.SUCCESSFUL
    [message] = smtp.messages
    assert message["Message-ID"] == row.message_id


def test_mail_a_live_worker_is_sending_is_left_alone_for_an_hour(database_tasks):
    row = queue()
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    _left_sending(row, worker="slow-but-alive", seen=long_ago)
    WorkerHeartbeat.objects.filter(worker_id="slow-but-alive").update(seen_at=timezone.now())
    assert jobs.reap().mail_released == 0
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.SENDING
    # An hour "sending" is no send any more: its task died without the worker dying.
    OutgoingMail.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=2))
    assert jobs.reap().mail_released == 1
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.QUEUED


def test_queued_mail_that_lost_its_task_gets_a_new_one(smtp, database_tasks):
    # Queued, but the task never made it (the enqueue after commit failed, a task row pruned).
    row = queue()
    now = timezone.now()
    assert DBTaskResult.objects.count() == 0
    assert jobs.reap(now=now + dt.timedelta(seconds=30)).orphans == 0  # too recent to judge
    assert jobs.reap(now=now + dt.timedelta(seconds=61)).orphans == 1
    assert jobs.reap(now=now + dt.timedelta(seconds=62)).orphans == 0  # one task is enough
    assert run_ready_tasks() == 1
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.SENT
    assert len(smtp.messages) == 1


def test_outbox_is_read_only_and_for_superusers_only(client, secretariat):
    from tests.factories import UserFactory

    row = queue()
    boss = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(boss)
    assert client.get("/en/admin/core/outgoingmail/").status_code == 200
    page = client.get(f"/en/admin/core/outgoingmail/{row.pk}/change/")
    assert page.status_code == 200
    assert escape(row.message_id) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    response = client.post(f"/en/admin/core/outgoingmail/{row.pk}/change/", {"to": "x@y.z"})
    assert response.status_code == 403
    assert client.post(f"/en/admin/core/outgoingmail/{row.pk}/delete/").status_code == 403
    secretariat.is_staff = True
    secretariat.save()
    client.force_login(secretariat)
    assert client.get("/en/admin/core/outgoingmail/").status_code == 403
    row.refresh_from_db()
    assert row.to == "ana@alcorcon.example"
