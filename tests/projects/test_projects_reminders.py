"""Reminders before activities and deliverables: exactly once per recipient and occurrence."""

import datetime as dt

import pytest
from django.core import mail

from cityloom.core.models import OutgoingMail
from cityloom.projects import services
from cityloom.projects.services import base as reminder_base
from cityloom.projects.tasks import send_reminders_task

NOW = dt.datetime(2014, 1, 15, 9, tzinfo=dt.UTC)  # the day before the January exchange


@pytest.fixture
def planned(project, secretariat, cities, focal):
    services.add_activity(
        project,
        by=secretariat,
        title="Online exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=5,
        time_zone="Europe/Paris",
    )
    services.add_deliverable(
        project,
        by=secretariat,
        title="Case studies",
        due_on=dt.date(2014, 1, 20),
        owner_city=cities["Poitiers"],
    )
    services.add_deliverable(project, by=secretariat, title="Compendium", due_months=18)
    return project


def _keys():
    return sorted(OutgoingMail.objects.values_list("to", "template"))


EXPECTED = sorted(
    (f"focal.{city}@example.org", f"projects/email/{kind}_reminder")
    for city in ("bordeaux", "bilbao", "poitiers")
    for kind in ("activity", "deliverable")
)


def test_reminders_are_sent_once_even_if_the_task_runs_twice(
    planned, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders_task.enqueue().return_value == 6
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders_task.enqueue().return_value == 0
    assert _keys() == EXPECTED
    assert len(mail.outbox) == 6
    bilbao = next(
        m
        for m in mail.outbox
        if m.to == ["focal.bilbao@example.org"] and "Case studies" in m.subject
    )
    assert "Poitiers" in bilbao.body


def test_a_worker_dying_mid_batch_leaves_no_duplicate_and_no_gap(
    planned, time_machine, monkeypatch
):
    time_machine.move_to(NOW)
    real = reminder_base.queue_mail
    calls = []

    def dies_on_the_third(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 3:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(reminder_base, "queue_mail", dies_on_the_third)
    with pytest.raises(SystemExit):
        services.send_reminders()
    assert len(_keys()) == 2  # each reminder commits on its own: the first two are kept
    monkeypatch.setattr(reminder_base, "queue_mail", real)
    assert services.send_reminders() == 4
    assert services.send_reminders() == 0
    assert _keys() == EXPECTED


def test_no_reminder_for_a_city_that_left_or_a_finished_project(
    planned, cities, secretariat, time_machine
):
    services.leave_project(planned, cities["Bilbao"], by=secretariat)
    time_machine.move_to(NOW)
    services.send_reminders()
    assert "focal.bilbao@example.org" not in {to for to, _t in _keys()}
    OutgoingMail.objects.all().delete()
    planned.status = "completed"
    planned.save()
    assert services.send_reminders() == 0


def test_nothing_far_ahead_is_reminded(planned, time_machine):
    time_machine.move_to(dt.datetime(2013, 12, 1, tzinfo=dt.UTC))
    assert services.send_reminders() == 0
