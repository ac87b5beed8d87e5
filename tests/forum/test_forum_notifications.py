import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from cityloom.core.models import OutgoingMail
from cityloom.forum import services
from cityloom.forum.models import Notification, Subscription
from cityloom.forum.services import notifications

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` runs the e-mail deliveries queued inside, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_immediate_subscriber_gets_one_email_in_their_language(
    governance, member, spanish_member, sent
):
    services.subscribe(spanish_member, board=governance, mode="immediate")
    governance.title_es = "Gobernanza inteligente"
    governance.save()
    with sent():
        services.start_thread(governance, by=member, title="Préparer 2014", body="Bonjour à tous")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["miren@example.org"]
    assert "Gobernanza inteligente: Préparer 2014" in message.subject
    assert OutgoingMail.objects.get().language == "es"
    assert "/forum/unsubscribe/" in message.body


def test_the_author_is_not_told_of_their_own_post(governance, member, sent):
    services.subscribe(member, board=governance, mode="immediate")
    with sent():
        services.start_thread(governance, by=member, title="T", body="x")
    assert mail.outbox == []


def test_subscriber_who_lost_access_is_not_told(project_board, focal, project, sent):
    services.subscribe(focal["Bilbao"], board=project_board, mode="immediate")
    project.memberships.filter(city__name="Bilbao").update(left_on="2014-01-01")
    with sent():
        services.start_thread(project_board, by=focal["Bordeaux"], title="T", body="x")
    assert mail.outbox == []


def test_digest_sends_each_post_once_even_when_run_twice(governance, member, focal, sent):
    services.subscribe(focal["Bilbao"], board=governance, mode="digest")
    with sent():
        thread = services.start_thread(governance, by=member, title="T", body="alpha")
    with sent():
        services.reply(thread, by=member, body="bravo")
    assert mail.outbox == []
    with sent():
        assert services.send_digests() == 1
    with sent():
        assert services.send_digests() == 0
    assert len(mail.outbox) == 1
    assert "alpha" in mail.outbox[0].body
    assert "bravo" in mail.outbox[0].body
    with sent():
        services.reply(thread, by=member, body="charlie")
    with sent():
        assert services.send_digests() == 1
    assert len(mail.outbox) == 2
    assert "charlie" in mail.outbox[1].body
    assert "alpha" not in mail.outbox[1].body


def test_digest_survives_a_worker_dying_mid_batch(governance, member, focal, monkeypatch, sent):
    for person in (focal["Bilbao"], focal["Poitiers"]):
        services.subscribe(person, board=governance, mode="digest")
    with sent():
        services.start_thread(governance, by=member, title="T", body="x")
    real = notifications._send_digest
    calls = []

    def dies_on_second(person_id, *, now):
        calls.append(person_id)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(person_id, now=now)

    monkeypatch.setattr(notifications, "_send_digest", dies_on_second)
    with sent(), pytest.raises(RuntimeError):
        services.send_digests()
    monkeypatch.setattr(notifications, "_send_digest", real)
    with sent():
        assert services.send_digests() == 1  # only the person not reached
    assert sorted(m.to[0] for m in mail.outbox) == [
        "focal.bilbao@example.org",
        "focal.poitiers@example.org",
    ]
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()


def test_digest_key_makes_queueing_idempotent(governance, member, focal, sent):
    services.subscribe(focal["Bilbao"], board=governance, mode="digest")
    with sent():
        services.start_thread(governance, by=member, title="T", body="x")
    Notification.objects.update(mailed_at=None)
    services.send_digests()
    Notification.objects.update(mailed_at=None)  # as if the marking were lost
    services.send_digests()
    assert OutgoingMail.objects.filter(template="forum/email/digest").count() == 1


def test_digest_command_queues_the_task(governance, member, focal, sent):
    from django.core.management import call_command

    services.subscribe(focal["Bilbao"], board=governance, mode="digest")
    with sent():
        services.start_thread(governance, by=member, title="T", body="x")
    with sent():
        call_command("send_forum_digests", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["focal.bilbao@example.org"]]


def test_one_click_unsubscribe(governance, member, spanish_member, sent):
    subscription = services.subscribe(spanish_member, board=governance, mode="immediate")
    token = services.unsubscribe_token(subscription.pk)
    client = Client()
    page = client.get(f"/es/forum/unsubscribe/{token}/")
    assert page.status_code == 200
    client.post(f"/es/forum/unsubscribe/{token}/")
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    with sent():
        services.start_thread(governance, by=member, title="T", body="x")
    assert mail.outbox == []


def test_forged_unsubscribe_token_is_404(client):
    assert client.get("/en/forum/unsubscribe/not-a-token/").status_code == 404


def test_subscribing_needs_read_access(project_board, neighbour, sent):
    with pytest.raises(PermissionDenied):
        services.subscribe(neighbour["person"], board=project_board, mode="immediate")
