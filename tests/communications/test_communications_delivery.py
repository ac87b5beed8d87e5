"""Circulars through a real SMTP server on loopback: each member once, in their language."""

import collections
from unittest import mock

import pytest

from cityloom.communications import queries, services
from cityloom.communications.models import Circular, CircularRecipient
from cityloom.communications.services import circulars as circular_services
from cityloom.core import mail as core_mail
from cityloom.core.models import OutgoingMail

from .conftest import MEMBER_EMAILS
from .smtp_servers import Server, point_at


def _send(circular, secretariat, capture):
    with capture(execute=True):
        return services.send_circular(
            circular, by=secretariat, expected=len(queries.audience_people(circular))
        )


def _recipients(messages) -> collections.Counter:
    return collections.Counter(str(m["To"]) for m in messages)


def test_circular_reaches_each_member_once_in_their_language(
    draft, secretariat, smtp, django_capture_on_commit_callbacks
):
    assert _send(draft, secretariat, django_capture_on_commit_callbacks) == 5
    assert _recipients(smtp.messages) == collections.Counter(list(MEMBER_EMAILS))
    subjects = {str(m["To"]): str(m["Subject"]) for m in smtp.messages}
    assert subjects["focal.bilbao@example.org"].endswith(f" 1/{draft.year}: Difusión del Estudio")
    assert subjects["focal.bordeaux@example.org"].endswith(": Diffusion de l'Étude")
    assert subjects["focal.lisbon@example.org"].endswith(": Dissemination of the Study")
    bodies = {str(m["To"]): m.get_body(("plain",)).get_content() for m in smtp.messages}
    assert "El **Estudio** está publicado." in bodies["member.bilbao@example.org"]
    assert "/unsubscribe/" in bodies["member.bilbao@example.org"]
    draft.refresh_from_db()
    assert draft.status == Circular.Status.SENT
    assert queries.delivery_counts(draft) == {"total": 5, "sent": 5, "failed": 0, "waiting": 0}
    # Message-IDs are the outbox rows': one row per recipient, keyed by circular and address.
    keys = set(OutgoingMail.objects.values_list("key", flat=True))
    assert keys == {f"circular:{draft.pk}:{address}" for address in MEMBER_EMAILS}


def test_language_fallback_is_english(
    commission, secretariat, members, smtp, django_capture_on_commit_callbacks
):
    circular = services.create_circular(
        commission, by=secretariat, audience="focal_points", subject="Only English", body="Hello"
    )
    _send(circular, secretariat, django_capture_on_commit_callbacks)
    assert {str(m["Subject"]).split(": ", 1)[1] for m in smtp.messages} == {"Only English"}
    assert _recipients(smtp.messages) == collections.Counter(
        ["focal.bilbao@example.org", "focal.bordeaux@example.org", "focal.lisbon@example.org"]
    )


def test_refused_recipients_fail_with_the_server_reason_and_the_rest_arrive(
    draft, secretariat, settings, django_capture_on_commit_callbacks
):
    refused = {"member.bordeaux@example.org", "focal.lisbon@example.org"}
    with Server(refuse=refused) as server:
        point_at(settings, server)
        _send(draft, secretariat, django_capture_on_commit_callbacks)
    assert _recipients(server.messages) == collections.Counter(set(MEMBER_EMAILS) - refused)
    log = {r.email: r.mail for r in queries.delivery_log(draft)}
    for address in refused:
        assert log[address].state == OutgoingMail.State.FAILED
        assert log[address].attempts == 1  # a permanent refusal is not tried again
        assert "550" in log[address].last_error
        assert "No such mailbox" in log[address].last_error
    assert {a: m.state for a, m in log.items() if a not in refused} == dict.fromkeys(
        set(MEMBER_EMAILS) - refused, OutgoingMail.State.SENT
    )
    assert queries.delivery_counts(draft)["failed"] == 2


def test_dropped_connection_mid_batch_reconnects_and_sends_everyone_once(
    draft, secretariat, settings, django_capture_on_commit_callbacks
):
    with Server(drop_at=3) as server:
        point_at(settings, server)
        _send(draft, secretariat, django_capture_on_commit_callbacks)
    assert len(server.handler.dropped) == 1
    dropped_to = str(server.handler.dropped[0]["To"])
    # Everyone once: the one in flight when the server hung up was sent again on a new connection.
    assert _recipients(server.messages) == collections.Counter(list(MEMBER_EMAILS))
    row = OutgoingMail.objects.get(to=dropped_to)
    assert (row.state, row.attempts) == (OutgoingMail.State.SENT, 2)
    assert server.handler.dropped[0]["Message-ID"] == row.message_id


def test_delivery_run_again_after_a_crash_sends_only_the_rest(
    draft, secretariat, smtp, django_capture_on_commit_callbacks
):
    # Inside the test's transaction the on-commit task never runs: delivery is done by hand.
    services.send_circular(draft, by=secretariat, expected=5)
    services.deliver_circular(draft.pk, batch_size=2)  # complete run, small batches
    first = len(smtp.messages)
    assert first == 5
    # Running it again (the reaper re-queues a task whose worker died) sends nothing twice.
    Circular.objects.filter(pk=draft.pk).update(status=Circular.Status.SENDING)
    services.deliver_circular(draft.pk, batch_size=2)
    assert _recipients(smtp.messages) == collections.Counter(list(MEMBER_EMAILS))


def test_delivery_resumes_where_a_crash_left_it(
    draft, secretariat, smtp, django_capture_on_commit_callbacks
):
    # Inside the test's transaction the on-commit task never runs: delivery is done by hand.
    services.send_circular(draft, by=secretariat, expected=5)
    original = core_mail.send_mail_batch
    batches = []

    def killed_at_second_batch(ids, *, worker=""):
        batches.append(list(ids))
        if len(batches) > 1:
            raise SystemExit("worker killed")
        return original(ids, worker=worker)

    patched = mock.patch.object(core_mail, "send_mail_batch", side_effect=killed_at_second_batch)
    with patched, pytest.raises(SystemExit):
        services.deliver_circular(draft.pk, batch_size=2)
    assert len(smtp.messages) == 2
    # The second batch's messages were written (queued, never tried): the next run sends them.
    assert CircularRecipient.objects.filter(circular=draft, mail__isnull=False).count() == 4
    assert services.deliver_circular(draft.pk, batch_size=2) == Circular.Status.SENT
    assert _recipients(smtp.messages) == collections.Counter(list(MEMBER_EMAILS))


def test_numbers_follow_each_other_per_year(
    commission, secretariat, members, smtp, django_capture_on_commit_callbacks
):
    labels = []
    for subject in ("One", "Two", "Three"):
        circular = services.create_circular(
            commission, by=secretariat, audience="focal_points", subject=subject, body="x"
        )
        _send(circular, secretariat, django_capture_on_commit_callbacks)
        circular.refresh_from_db()
        labels.append((circular.number, circular.year))
    year = labels[0][1]
    assert labels == [(1, year), (2, year), (3, year)]


def test_number_taken_meanwhile_takes_the_next(commission, secretariat, members):
    first = services.create_circular(
        commission, by=secretariat, audience="members", subject="A", body="x"
    )
    second = services.create_circular(
        commission, by=secretariat, audience="members", subject="B", body="x"
    )
    services.assign_number(first, year=2013)
    # Another secretary read the same "last number" before this one committed.
    stale = iter([1])
    real_next = circular_services._next_number
    with mock.patch.object(
        circular_services,
        "_next_number",
        side_effect=lambda c, y: next(stale, None) or real_next(c, y),
    ):
        services.assign_number(second, year=2013)
    second.refresh_from_db()
    assert (second.number, second.year) == (2, 2013)


def test_reaper_gives_a_sending_circular_without_a_task_a_new_one(
    draft, secretariat, smtp, settings
):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from cityloom.core import jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYLOOM_WORKER_LEASE = 60
    # Sent, but its task was lost (the queue failed after commit) and a lease has passed.
    services.send_circular(draft, by=secretariat, expected=5)
    Circular.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    assert DBTaskResult.objects.count() == 0
    jobs.reap()
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "cityloom.communications.tasks.deliver_circular_task"
    assert task.args_kwargs["kwargs"] == {"circular_id": draft.pk}
    # Not twice: the circular now has a task.
    jobs.reap()
    assert DBTaskResult.objects.count() == 1
