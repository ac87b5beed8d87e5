"""Writes about accounts: recording that a person proved they hold their e-mail address."""

from allauth.account.models import EmailAddress
from django.db import transaction


def mark_verified(user) -> EmailAddress:
    """Record the account's own address as verified and primary: call it only with proof (a link
    sent to that address was opened), or for accounts the platform itself sets up (the demo)."""
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, primary=True).exclude(
            email=user.email.lower()
        ).update(primary=False)
        address, _ = EmailAddress.objects.update_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )
    return address
