"""Failed logins are counted per (account, address) and per address, in counters every worker
shares: an attacker cannot lock a focal point out, nor get more tries from more workers."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.test import Client

from cityloom.accounts import throttle
from cityloom.core import ratelimit
from tests.factories import CityFactory, UserFactory


@pytest.fixture(autouse=True)
def _inside_one_window(time_machine):
    # The limits count in fixed windows: frozen in the middle of one, a test never sees its
    # count start again because a window ended halfway through it.
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 7, 30, tzinfo=dt.UTC), tick=False)


PASSWORD = "secret-pass-123"  # UserFactory's
ATTACKER, OWNER = "203.0.113.5", "198.51.100.7"
REFUSED = "Too many failed attempts to sign in from your connection."


@pytest.fixture
def focal(db):
    return UserFactory(email="focal@bordeaux.example", city=CityFactory(), role="focal_point")


def _log_in(email, password, address, language="en"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(f"/{language}/accounts/login/", {"login": email, "password": password})
    return client, response


def _is_logged_in_as(client, person) -> bool:
    return client.session.get("_auth_user_id") == str(person.pk)


def _fail(times, email, address):
    for _ in range(times):
        _client, response = _log_in(email, "wrong-password", address)
        assert response.status_code == 200


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(focal):
    _fail(10, focal.email, ATTACKER)
    client, response = _log_in(focal.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert _is_logged_in_as(client, focal)


def test_the_attacking_address_is_refused_even_with_the_right_password(focal):
    limit = throttle.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS.limit
    _fail(limit, focal.email, ATTACKER)
    client, response = _log_in(focal.email, PASSWORD, ATTACKER)
    assert response.status_code == 200
    assert not _is_logged_in_as(client, focal)
    assert REFUSED in response.content.decode()


def test_fewer_failures_than_the_limit_do_not_refuse(focal):
    _fail(throttle.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS.limit - 1, focal.email, ATTACKER)
    client, _response = _log_in(focal.email, PASSWORD, ATTACKER)
    assert _is_logged_in_as(client, focal)


def test_successful_logins_are_not_counted(focal):
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS.limit + 2):
        client, _response = _log_in(focal.email, PASSWORD, OWNER)
        assert _is_logged_in_as(client, focal)


def test_failed_login_counters_are_shared_by_every_worker(focal):
    _fail(throttle.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS.limit, focal.email, ATTACKER)
    # Another worker: nothing in its local memory, a fresh handle on the shared cache.
    caches["default"].clear()
    del caches[ratelimit.CACHE_ALIAS]
    client, response = _log_in(focal.email, PASSWORD, ATTACKER)
    assert not _is_logged_in_as(client, focal)
    assert REFUSED in response.content.decode()


def test_one_address_trying_many_accounts_is_refused_for_all(focal):
    for n in range(throttle.LOGIN_FAILURES_PER_ADDRESS.limit):
        _fail(1, f"guess{n}@example.org", ATTACKER)
    client, response = _log_in(focal.email, PASSWORD, ATTACKER)
    assert not _is_logged_in_as(client, focal)
    assert REFUSED in response.content.decode()
    client, _response = _log_in(focal.email, PASSWORD, OWNER)
    assert _is_logged_in_as(client, focal)


def test_the_admin_login_is_throttled_by_the_same_counters(db):
    staff = UserFactory(email="staff@uclg.example", is_staff=True, is_superuser=True)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS.limit):
        attacker.post("/en/admin/login/", {"username": staff.email, "password": "wrong"})
    attacker.post("/en/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert not _is_logged_in_as(attacker, staff)
    owner = Client(REMOTE_ADDR=OWNER)
    owner.post("/en/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert _is_logged_in_as(owner, staff)
