"""Attempt counters shared by every worker, so four app servers do not allow four times the tries.

The counters live in the "shared" cache: the database by default, Redis when `REDIS_URL` is set
(never a worker's local memory). Windows are fixed: `limit` attempts per `period` seconds.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

CACHE_ALIAS = "shared"


@dataclass(frozen=True)
class Rate:
    """`limit` attempts per `period` seconds."""

    limit: int
    period: int


# However many addresses ask, one mailbox gets few mails from a form anyone may fill in: the
# accounts' anonymous forms and the network's membership confirmations share this budget.
MAILS_PER_RECIPIENT = Rate(limit=3, period=60 * 60)


def client_address(request: HttpRequest) -> str:
    """The caller's address.

    Behind N trusted proxies (`CITYLOOM_TRUSTED_PROXIES=N`), the address the nearest of them saw,
    read from the right of X-Forwarded-For: the entries to its left are written by the client
    and prove nothing. Without proxies, REMOTE_ADDR.
    """
    proxies = settings.CITYLOOM_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(scope: str, key: str, period: int) -> str:
    window = int(time.time() // period)
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{period}:{window}"


def consume(scope: str, key: str, rate: Rate) -> bool:
    """Count one attempt; False once more than `rate.limit` were made in the current window."""
    cache = caches[CACHE_ALIAS]
    cache_key = _key(scope, key, rate.period)
    cache.add(cache_key, 0, timeout=rate.period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this attempt starts a new window
        cache.set(cache_key, 1, timeout=rate.period)
        count = 1
    return count <= rate.limit


def is_exhausted(scope: str, key: str, rate: Rate) -> bool:
    """Whether the window is already used up, without counting an attempt."""
    count = caches[CACHE_ALIAS].get(_key(scope, key, rate.period), 0)
    return count >= rate.limit


def reset(scope: str, key: str, rate: Rate) -> None:
    caches[CACHE_ALIAS].delete(_key(scope, key, rate.period))


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """A 429 page in the reader's language."""
    body = render_to_string(
        "429.html",
        {"message": _("Too many attempts from your connection. Please wait a few minutes.")},
        request=request,
    )
    return HttpResponse(body, status=429)
