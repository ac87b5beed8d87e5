"""Who holds an e-mail address (accounts.queries) and recording that they proved it
(accounts.services): the reads and the write other apps use, through accounts' own doors."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from cityloom.accounts.queries import has_verified, owner_of
from cityloom.accounts.services import mark_verified
from tests.factories import UserFactory


def test_owner_of_prefers_the_account_that_verified_the_address(db):
    registered = UserFactory(email="ana@example.org", email_verified=False)
    prover = UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=prover, email="ana@example.org", verified=True)
    assert owner_of("ANA@example.org") == prover
    assert registered != prover


def test_owner_of_falls_back_to_the_account_registered_with_the_address(db):
    registered = UserFactory(email="ana@example.org", email_verified=False)
    assert owner_of("Ana@Example.org") == registered
    assert owner_of("nobody@example.org") is None


def test_has_verified_only_for_the_holder_who_proved_it(db):
    holder = UserFactory(email="ana@example.org")
    unproved = UserFactory(email="bo@example.org", email_verified=False)
    assert has_verified(holder, "ANA@example.org")
    assert not has_verified(unproved, "bo@example.org")
    assert not has_verified(unproved, "ana@example.org")  # another person's proof
    assert not has_verified(AnonymousUser(), "ana@example.org")


def test_mark_verified_makes_the_own_address_the_verified_primary_one(db):
    person = UserFactory(email="Ana@Example.org", email_verified=False)
    EmailAddress.objects.filter(user=person).update(primary=False)
    old = EmailAddress.objects.create(user=person, email="old@example.org", primary=True)
    address = mark_verified(person)
    assert (address.email, address.verified, address.primary) == ("ana@example.org", True, True)
    old.refresh_from_db()
    assert not old.primary
    assert EmailAddress.objects.filter(user=person, primary=True).count() == 1
    assert has_verified(person, "ana@example.org")
