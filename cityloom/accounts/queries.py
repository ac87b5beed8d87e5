"""Reads about accounts: who holds an e-mail address, and whether they proved it (allauth's
EmailAddress rows)."""

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
    """Whether `user` is logged in and proved they hold `email`."""
    return (
        user.is_authenticated
        and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )
