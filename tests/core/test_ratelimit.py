import datetime as dt

import time_machine
from django.core.cache import caches
from django.test import RequestFactory

from cityloom.core import ratelimit
from cityloom.core.ratelimit import Rate


def test_shared_cache_is_not_a_workers_memory(settings):
    # Counters in local memory would give each gunicorn worker its own allowance.
    assert "locmem" not in settings.CACHES["shared"]["BACKEND"].lower()


# Frozen inside a window: a minute that ends halfway through the test would restart the count.
@time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, 30, tzinfo=dt.UTC), tick=False)
def test_consume_allows_the_limit_then_refuses(db):
    rate = Rate(limit=3, period=60)
    assert [ratelimit.consume("t", "a@example.org", rate) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    # Another key has its own allowance; case does not make a new one.
    assert ratelimit.consume("t", "b@example.org", rate)
    assert not ratelimit.consume("t", "A@EXAMPLE.ORG", rate)


@time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, 30, tzinfo=dt.UTC), tick=False)
def test_counters_live_in_the_database_cache(db):
    rate = Rate(limit=1, period=60)
    ratelimit.consume("t", "x", rate)
    # A fresh handle (as another worker process would open) sees the same count.
    del caches[ratelimit.CACHE_ALIAS]
    assert ratelimit.is_exhausted("t", "x", rate)
    ratelimit.reset("t", "x", rate)
    assert not ratelimit.is_exhausted("t", "x", rate)


def test_too_many_requests_page_is_translated(db):
    from django.utils import translation

    request = RequestFactory().get("/fr/")
    with translation.override("fr"):
        response = ratelimit.too_many_requests(request)
    assert response.status_code == 429


def test_client_address_is_remote_addr_without_proxies(settings):
    settings.CITYLOOM_TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    # A client cannot choose its own address by sending the header.
    assert ratelimit.client_address(request) == "203.0.113.9"


def test_client_address_behind_one_proxy_ignores_what_the_client_wrote(settings):
    settings.CITYLOOM_TRUSTED_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert ratelimit.client_address(request) == "198.51.100.7"
