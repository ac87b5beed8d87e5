"""allauth's own mails (confirm an address, reset a password) go through the outbox, once."""

import pytest
from django.core import mail

from cityloom.core.models import OutgoingMail
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_signup_confirmation_goes_through_the_outbox_in_the_readers_language(client):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "email": "ana@example.org",
            "password1": "a-long-pass-9876",
            "password2": "a-long-pass-9876",
        },
    )
    assert response.status_code == 302
    row = OutgoingMail.objects.get(to="ana@example.org")
    assert row.state == OutgoingMail.State.SENT
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("[Cityloom] ")
    assert message.subject.count("[Cityloom]") == 1
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "/fr/accounts/confirm-email/" in message.body


@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_is_sent_once_even_if_its_task_runs_again(client):
    from cityloom.core.mail import send_queued_mail

    UserFactory(email="focal@example.org")
    client.post("/en/accounts/password/reset/", {"email": "focal@example.org"})
    row = OutgoingMail.objects.get(to="focal@example.org")
    assert send_queued_mail(row.pk) == OutgoingMail.State.SENT  # already sent: nothing happens
    assert len(mail.outbox) == 1
    assert "/en/accounts/password/reset/key/" in mail.outbox[0].body
