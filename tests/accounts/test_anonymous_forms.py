"""Sign-up and password reset are limited per address and per recipient, in the shared counters.

Their mails leave through the outbox after the commit: the tests run in autocommit
(`transactional_db`) so that the mail is sent as in production.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cityloom.accounts import throttle
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _inside_one_window(time_machine):
    # The limits count in fixed windows: frozen in the middle of one, a test never sees its
    # count start again because a window ended halfway through it.
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 7, 30, tzinfo=dt.UTC), tick=False)


User = get_user_model()
ATTACKER, OTHER = "203.0.113.5", "198.51.100.7"
REFUSED = "Too many requests from your connection or for this address."


def _sign_up(email, address):
    return Client(REMOTE_ADDR=address).post(
        "/en/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )


def _reset(email, address):
    return Client(REMOTE_ADDR=address).post("/en/accounts/password/reset/", {"email": email})


def test_sign_ups_from_one_address_are_limited(transactional_db, mailoutbox):
    limit = throttle.SIGNUPS_PER_ADDRESS.limit
    for n in range(limit):
        assert _sign_up(f"person{n}@example.org", ATTACKER).status_code == 302
    response = _sign_up("one-more@example.org", ATTACKER)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email="one-more@example.org").exists()
    assert len(mailoutbox) == limit
    assert _sign_up("one-more@example.org", OTHER).status_code == 302


def test_sign_up_mails_to_one_mailbox_are_limited_whatever_the_address(
    transactional_db, mailoutbox
):
    limit = throttle.MAILS_PER_RECIPIENT.limit
    for n in range(limit):
        assert _sign_up("victim@example.org", f"203.0.113.{n + 10}").status_code == 302
    sent = len(mailoutbox)
    response = _sign_up("victim@example.org", OTHER)
    assert REFUSED in response.content.decode()
    assert len(mailoutbox) == sent
    assert User.objects.filter(email="victim@example.org").count() == 1


@pytest.mark.parametrize("known", [True, False])
def test_password_resets_to_one_mailbox_are_limited_whatever_the_address(
    transactional_db, mailoutbox, known
):
    if known:
        UserFactory(email="victim@example.org")
    limit = throttle.MAILS_PER_RECIPIENT.limit
    for n in range(limit):
        assert _reset("victim@example.org", f"203.0.113.{n + 10}").status_code == 302
    response = _reset("victim@example.org", OTHER)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert [m.to for m in mailoutbox] == [["victim@example.org"]] * limit


def test_password_resets_from_one_address_are_limited(transactional_db, mailoutbox):
    limit = throttle.PASSWORD_RESETS_PER_ADDRESS.limit
    for n in range(limit):
        assert _reset(f"person{n}@example.org", ATTACKER).status_code == 302
    response = _reset("one-more@example.org", ATTACKER)
    assert REFUSED in response.content.decode()
    assert len(mailoutbox) == limit
    assert _reset("one-more@example.org", OTHER).status_code == 302
