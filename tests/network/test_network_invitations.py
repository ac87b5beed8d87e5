"""No one becomes a city's person through an address they have not proved: approval and
invitations offer the place by a link mailed to the address; its owner accepts."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cityloom.core.models import AuditEvent
from cityloom.network import services
from cityloom.network.models import Invitation, MembershipRequest
from tests.factories import (
    CityFactory,
    InvitationFactory,
    MembershipRequestFactory,
    UserFactory,
)

User = get_user_model()
MARIA = "maria.lopez@guadalajara.example"
ATTACKER_PASSWORD = "attacker-pass-phrase-42"


def _sign_up(client, email, password=ATTACKER_PASSWORD):
    return client.post(
        "/en/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


def _log_in(client, email, password):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def _session_user(client):
    return client.session.get("_auth_user_id")


def _link(message, *, language="en") -> str:
    return re.search(rf"http://testserver(/{language}/invitations/\S+/)", message.body).group(1)


def test_an_account_registered_before_approval_does_not_become_the_focal_point(
    commission, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    attacker = Client()
    _sign_up(attacker, MARIA)
    application = MembershipRequestFactory(commission=commission, email=MARIA, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_membership(application, by=secretariat)
    squatted = User.objects.get(email=MARIA)
    assert (squatted.city, squatted.role) == (None, "member")
    # The address was never proved: the attacker's password opens no session.
    attacker = Client()
    _log_in(attacker, MARIA, ATTACKER_PASSWORD)
    assert _session_user(attacker) is None
    # Only the mailbox receives the link; without it, nothing turns the account into a city's.
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.accepted_at) == (
        MARIA,
        "focal_point",
        None,
    )
    assert mailoutbox[-1].to == [MARIA]


def test_an_account_registered_before_an_invitation_cannot_read_the_city(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    city = CityFactory(name="Bordeaux")
    focal = UserFactory(city=city, role="focal_point")
    attacker = Client()
    _sign_up(attacker, "luc@bordeaux.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_colleague(city, email="luc@bordeaux.example", by=focal, language="fr")
    squatted = User.objects.get(email="luc@bordeaux.example")
    assert squatted.city is None
    attacker = Client()
    _log_in(attacker, "luc@bordeaux.example", ATTACKER_PASSWORD)
    assert _session_user(attacker) is None
    assert list(city.people.all()) == [focal]


def test_a_focal_point_inviting_a_secretariat_members_address_leaves_the_account_untouched(
    commission, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    city = CityFactory()
    focal = UserFactory(city=city, role="focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_colleague(
            city, email=secretariat.email, by=focal, language="en"
        )
    secretariat.refresh_from_db()
    assert (secretariat.city, secretariat.role) == (None, "member")
    assert list(commission.secretariat.all()) == [secretariat]
    assert (invitation.email, invitation.accepted_at) == (secretariat.email, None)
    assert [m.to for m in mailoutbox] == [[secretariat.email]]


def test_an_existing_account_joins_only_when_its_owner_accepts(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    city = CityFactory(name="Bordeaux")
    focal = UserFactory(city=city, role="focal_point")
    luc = UserFactory(email="luc@bordeaux.example", position="Digital office")
    neighbour = UserFactory(email="anne@bordeaux.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_colleague(city, email="Luc@Bordeaux.example", by=focal, language="en")
    luc.refresh_from_db()
    assert luc.city is None

    client = Client()
    client.force_login(luc)
    page = client.get(_link(mailoutbox[0]))
    assert page.context["state"] == "accept"
    assert client.post(_link(mailoutbox[0])).status_code == 302
    luc.refresh_from_db()
    assert (luc.city, luc.role, luc.position) == (city, "member", "Digital office")
    neighbour.refresh_from_db()
    assert neighbour.city is None
    invitation = Invitation.objects.get()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (luc, True)
    event = AuditEvent.objects.get(verb="invitation.accepted")
    assert (event.actor, event.data) == (
        luc,
        {"city": "Bordeaux", "role": "member", "old": {"city": None, "role": "member"}},
    )


def test_approval_offers_an_existing_account_the_focal_point_role_it_then_accepts(
    commission, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    maria = UserFactory(email=MARIA)
    application = MembershipRequestFactory(commission=commission, email=MARIA)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_membership(application, by=secretariat)
    maria.refresh_from_db()
    assert (maria.city, maria.role) == (None, "member")
    client = Client()
    client.force_login(maria)
    client.post(_link(mailoutbox[-1]))
    maria.refresh_from_db()
    assert (maria.city, maria.role) == (application.city, "focal_point")


def test_another_account_cannot_accept_someone_elses_invitation(db):
    invitation = InvitationFactory(email="luc@bordeaux.example")
    intruder = UserFactory(email="intruder@example.org")
    # Claiming the address in the account settings does not prove it.
    EmailAddress.objects.create(user=intruder, email="luc@bordeaux.example", verified=False)
    client = Client()
    client.force_login(intruder)
    link = reverse("network:invitation", args=[invitation.token])
    assert client.get(link).context["state"] == "other_account"
    client.post(link)
    intruder.refresh_from_db()
    assert intruder.city is None
    with pytest.raises(PermissionDenied):
        services.accept_invitation(invitation, by=intruder)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unverified_account_with_the_invited_address_cannot_accept(db):
    # E.g. a session opened before verification became mandatory.
    invitation = InvitationFactory(email="luc@bordeaux.example")
    squatter = UserFactory(email="luc@bordeaux.example", email_verified=False)
    client = Client()
    client.force_login(squatter)
    client.post(reverse("network:invitation", args=[invitation.token]))
    squatter.refresh_from_db()
    assert squatter.city is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_link_creates_a_verified_account_in_the_city_and_role_offered(
    commission, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipRequestFactory(
        commission=commission,
        email=MARIA,
        contact_name="María López",
        contact_position="Dirección de Innovación",
        language="es",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_membership(application, by=secretariat)
    link = _link(mailoutbox[-1], language="es")
    client = Client()
    assert client.get(link).context["state"] == "new_account"
    mismatch = client.post(link, {"password1": "a-long-pass-42", "password2": "other-pass-42"})
    assert mismatch.context["form"].errors["password2"]
    assert not User.objects.filter(email=MARIA).exists()
    response = client.post(link, {"password1": "a-long-pass-42", "password2": "a-long-pass-42"})
    assert response.status_code == 302
    maria = User.objects.get(email=MARIA)
    assert (maria.city, maria.role, maria.name, maria.position, maria.language) == (
        application.city,
        "focal_point",
        "María López",
        "Dirección de Innovación",
        "es",
    )
    assert list(
        EmailAddress.objects.filter(user=maria).values_list("email", "verified", "primary")
    ) == [(MARIA, True, True)]
    assert _session_user(client) == str(maria.pk)
    # Verified: the password works on the login page too.
    again = Client()
    _log_in(again, MARIA, "a-long-pass-42")
    assert _session_user(again) == str(maria.pk)


def test_a_weak_password_is_refused_and_nothing_is_created(db):
    invitation = InvitationFactory(email="luc@bordeaux.example")
    response = Client().post(
        reverse("network:invitation", args=[invitation.token]),
        {"password1": "12345678", "password2": "12345678"},
    )
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="luc@bordeaux.example").exists()


def test_an_invitation_is_used_once(db):
    invitation = InvitationFactory(email="luc@bordeaux.example")
    link = reverse("network:invitation", args=[invitation.token])
    Client().post(link, {"password1": "a-long-pass-42", "password2": "a-long-pass-42"})
    luc = User.objects.get(email="luc@bordeaux.example")
    client = Client()
    client.force_login(luc)
    assert client.get(link).context["state"] == "closed"
    with pytest.raises(services.MembershipError) as exc:
        services.accept_invitation(invitation, by=luc)
    assert exc.value.code == "used"


def test_an_invitation_expires(db):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        invitation = InvitationFactory(email="luc@bordeaux.example")
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC), tick=False):
        link = reverse("network:invitation", args=[invitation.token])
        response = Client().post(
            link, {"password1": "a-long-pass-42", "password2": "a-long-pass-42"}
        )
        assert response.context["state"] == "closed"
        assert list(Invitation.objects.open()) == []
    assert not User.objects.filter(email="luc@bordeaux.example").exists()


def test_a_person_of_another_city_cannot_accept(db):
    bilbao = CityFactory(name="Bilbao")
    jon = UserFactory(email="jon@bilbao.example", city=bilbao, role="focal_point")
    invitation = InvitationFactory(email=jon.email, city=CityFactory(name="Bordeaux"))
    client = Client()
    client.force_login(jon)
    response = client.post(reverse("network:invitation", args=[invitation.token]))
    assert "You already belong to Bilbao" in response.content.decode()
    jon.refresh_from_db()
    assert (jon.city, jon.role) == (bilbao, "focal_point")
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_altered_invitation_link_is_404(db):
    invitation = InvitationFactory()
    other = InvitationFactory()
    # The other invitation's payload under this one's signature.
    forged = other.token.split(":")[0] + ":" + invitation.token.split(":")[1]
    assert Client().get(reverse("network:invitation", args=[forged])).status_code == 404
    assert (
        Client().get(reverse("network:invitation", args=[invitation.token + "x"])).status_code
        == 404
    )


def test_a_signed_in_visitor_who_is_not_the_owner_is_asked_to_sign_in_with_the_address(db):
    invitation = InvitationFactory(email="luc@bordeaux.example")
    UserFactory(email="luc@bordeaux.example")
    response = Client().get(reverse("network:invitation", args=[invitation.token]))
    assert response.context["state"] == "sign_in"
    assert "/en/accounts/login/?next=" in response.content.decode()


def test_open_invitations_are_listed_to_the_focal_point_only_for_their_city(client, db):
    city = CityFactory()
    mine = InvitationFactory(city=city)
    InvitationFactory()  # another city's
    InvitationFactory(city=city, accepted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client.force_login(UserFactory(city=city, role="focal_point"))
    assert list(client.get("/en/my/").context["invitations"]) == [mine]


def test_an_unconfirmed_request_is_not_among_the_secretariats_decisions(
    client, commission, secretariat
):
    MembershipRequestFactory(commission=commission, status=MembershipRequest.Status.UNCONFIRMED)
    decided = MembershipRequestFactory(commission=commission, status="approved")
    client.force_login(secretariat)
    context = client.get("/en/my/").context
    assert (list(context["pending"]), list(context["recent_decisions"])) == ([], [decided])
