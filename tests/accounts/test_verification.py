"""E-mail verification is mandatory: an address nobody proved opens no session."""

import re

import pytest
from django.test import Client

from cityloom.core.demo import DEMO_PASSWORD, demo_files, load_demo
from tests.factories import UserFactory


def _log_in(email, password, language="en"):
    client = Client()
    response = client.post(f"/{language}/accounts/login/", {"login": email, "password": password})
    return client, response


def test_sign_up_opens_no_session_until_the_address_is_confirmed(transactional_db, mailoutbox):
    # transactional_db: the confirmation mail leaves through the outbox once the sign-up commits.
    client = Client()
    response = client.post(
        "/en/accounts/signup/",
        {"email": "new@example.org", "password1": "a-long-pass-42", "password2": "a-long-pass-42"},
    )
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    _client, response = _log_in("new@example.org", "a-long-pass-42")
    assert "_auth_user_id" not in _client.session
    [first, *_again] = mailoutbox
    key = re.search(r"/accounts/confirm-email/(\S+)/", first.body).group(1)
    client.post(f"/en/accounts/confirm-email/{key}/")
    client, response = _log_in("new@example.org", "a-long-pass-42")
    assert response["Location"] == "/en/my/"
    assert client.session["_auth_user_id"]


def test_factory_accounts_can_log_in_and_unverified_ones_cannot(db):
    verified = UserFactory()
    unverified = UserFactory(email_verified=False)
    client, _response = _log_in(verified.email, "secret-pass-123")
    assert client.session["_auth_user_id"] == str(verified.pk)
    client, _response = _log_in(unverified.email, "secret-pass-123")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("email", ["secretariat@cityloom.demo", "focal.bordeaux@cityloom.demo"])
def test_demo_accounts_log_in_through_the_login_page(db, email):
    assert email in load_demo(files=demo_files(["network"])).accounts
    client, response = _log_in(email, DEMO_PASSWORD)
    assert response["Location"] == "/en/my/"
    assert client.session["_auth_user_id"]
