"""Failed logins and anonymous forms, counted in the counters every worker shares.

Failed logins are counted per (account, address) and per address, never per account alone:
a lock per account would let anyone lock a city's focal point out by typing wrong passwords.
"""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from cityloom.core import ratelimit
from cityloom.core.ratelimit import MAILS_PER_RECIPIENT, Rate

LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = Rate(limit=5, period=15 * 60)
LOGIN_FAILURES_PER_ADDRESS = Rate(limit=20, period=15 * 60)
SIGNUPS_PER_ADDRESS = Rate(limit=10, period=60 * 60)
PASSWORD_RESETS_PER_ADDRESS = Rate(limit=10, period=60 * 60)


def login_of(credentials: dict) -> str:
    """The account a login attempt names: allauth passes `email`, the admin `username`."""
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def _scopes(request: HttpRequest, login: str) -> list[tuple[str, str, Rate]]:
    address = ratelimit.client_address(request)
    return [
        ("login-failed-account", f"{login}|{address}", LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS),
        ("login-failed-address", address, LOGIN_FAILURES_PER_ADDRESS),
    ]


def is_login_refused(request: HttpRequest, login: str) -> bool:
    """Whether this address failed too often, for this account or for any."""
    return any(ratelimit.is_exhausted(*scope) for scope in _scopes(request, login))


def count_login_failure(request: HttpRequest, login: str) -> None:
    for scope in _scopes(request, login):
        ratelimit.consume(*scope)


@receiver(user_login_failed, dispatch_uid="cityloom.accounts.count_login_failure")
def _count_failed_login(sender, credentials, request=None, **kwargs):
    # Django sends this for every failed password check, whatever the entry point (allauth's
    # login, the admin's, re-authentication): one place counts them all.
    if request is not None:
        count_login_failure(request, login_of(credentials))


def allows_anonymous_mail(
    request: HttpRequest, *, scope: str, per_address: Rate, recipient: str
) -> bool:
    """Count one submission of a form that mails `recipient`; False once the address or the
    recipient had their share."""
    if not ratelimit.consume(scope, ratelimit.client_address(request), per_address):
        return False
    if not recipient:
        return True
    return ratelimit.consume(f"{scope}-recipient", recipient.strip(), MAILS_PER_RECIPIENT)
