"""Who holds an e-mail address, and whether they proved it (allauth's EmailAddress rows)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model


def owner_of(email: str):
    """The account holding `email`: the one that verified it, else the one registered with it."""
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    if address is not None:
        return address.user
    return get_user_model().objects.filter(email__iexact=email).first()


def has_verified(user, email: str) -> bool:
    return (
        user.is_authenticated
        and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def mark_verified(user) -> EmailAddress:
    """Record the account's own address as verified and primary: call it only with proof (a link
    sent to that address was opened), or for accounts the platform itself sets up (the demo)."""
    EmailAddress.objects.filter(user=user, primary=True).exclude(email=user.email.lower()).update(
        primary=False
    )
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
    )
    return address
