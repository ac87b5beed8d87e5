import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from cityloom.core.models import AuditEvent
from cityloom.network import services
from cityloom.network.models import Invitation, Membership, MembershipRequest
from tests.factories import (
    CityFactory,
    CommissionFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)

User = get_user_model()


def _apply(commission, city, **overrides):
    data = {
        "commission": commission,
        "city": city,
        "contact_name": "Ana Pérez",
        "email": "ana@alcorcon.example",
        "motivation": "Learning.",
        "language": "es",
    }
    return services.apply_for_membership(**{**data, **overrides})


def _confirm_url(message) -> str:
    return re.search(r"http://testserver/\S+/membership/confirm/\S+/", message.body).group(0)


def test_application_is_recorded_unconfirmed_and_mails_only_a_link(
    commission, django_capture_on_commit_callbacks, mailoutbox
):
    city = CityFactory(name="Alcorcón")
    with django_capture_on_commit_callbacks(execute=True):
        application = _apply(
            commission, city, contact_name="<b>Buy pills</b>", motivation="http://spam.example"
        )
    assert list(MembershipRequest.objects.all()) == [application]
    assert application.status == MembershipRequest.Status.UNCONFIRMED
    [message] = mailoutbox
    assert message.to == ["ana@alcorcon.example"]
    # The applicant's own words are not repeated to an address nobody has proved yet.
    assert "Buy pills" not in message.subject + message.body
    assert "spam.example" not in message.subject + message.body
    assert _confirm_url(message) == (
        f"http://testserver/es/membership/confirm/{application.confirmation_token}/"
    )
    assert AuditEvent.objects.get().verb == "membership.applied"


def test_confirmation_makes_the_request_pending_and_tells_everyone_in_their_language(
    commission, django_capture_on_commit_callbacks, mailoutbox
):
    application = _apply(commission, CityFactory(name="Alcorcón"))
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_application(application)
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.PENDING
    assert [m.to for m in mailoutbox] == [["ana@alcorcon.example"], ["secretariat@example.org"]]
    assert mailoutbox[0].subject == "[Cityloom] Hemos recibido la solicitud de Alcorcón"
    # Each reader gets the commission's name in the language of their mail.
    assert "«Comisión de Ciudades Digitales y del Conocimiento»" in mailoutbox[0].body
    assert "Commission on Digital Cities and Knowledge" in mailoutbox[1].body
    assert [e.verb for e in AuditEvent.objects.order_by("id")] == [
        "membership.applied",
        "membership.confirmed",
    ]


def test_a_second_confirmation_changes_nothing(
    commission, mailoutbox, django_capture_on_commit_callbacks
):
    application = _apply(commission, CityFactory())
    services.confirm_application(application)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_application(application)
    assert mailoutbox == []
    assert AuditEvent.objects.filter(verb="membership.confirmed").count() == 1


def test_an_unconfirmed_request_expires(commission):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        application = _apply(commission, CityFactory())
    with (
        time_machine.travel(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC), tick=False),
        pytest.raises(services.MembershipError) as exc,
    ):
        services.confirm_application(application)
    assert exc.value.code == "expired"
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.UNCONFIRMED


def test_unconfirmed_requests_do_not_block_the_citys_real_application(commission):
    city = CityFactory()
    for n in range(3):
        _apply(commission, city, email=f"prankster{n}@example.org")
    real = _apply(commission, city, email="mayor@city.example")
    services.confirm_application(real)
    assert list(MembershipRequest.objects.filter(status="pending")) == [real]


def test_the_secretariat_cannot_decide_an_unconfirmed_request(commission, secretariat):
    application = _apply(commission, CityFactory())
    with pytest.raises(services.MembershipError) as exc:
        services.approve_membership(application, by=secretariat)
    assert exc.value.code == "unconfirmed"
    assert Membership.objects.count() == 0
    assert Invitation.objects.count() == 0


def test_confirmation_mails_to_one_address_are_limited(
    commission, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _apply(commission, CityFactory(), email="victim@example.org")
        with pytest.raises(services.MembershipError) as exc:
            _apply(commission, CityFactory(), email="Victim@Example.org")
        _apply(commission, CityFactory(), email="other@example.org")
    assert exc.value.code == "too_many_mails"
    assert [m.to for m in mailoutbox] == [["victim@example.org"]] * 3 + [["other@example.org"]]
    assert MembershipRequest.objects.count() == 4


def test_application_for_a_member_city_is_refused(commission):
    membership = MembershipFactory(commission=commission)
    with pytest.raises(services.MembershipError) as exc:
        _apply(commission, membership.city)
    assert exc.value.code == "already_member"
    assert MembershipRequest.objects.count() == 0


def test_second_pending_application_is_refused_and_nothing_is_written(commission):
    city = CityFactory()
    services.confirm_application(_apply(commission, city))
    with pytest.raises(services.MembershipError) as exc:
        _apply(commission, city, email="other@example.org")
    assert exc.value.code == "already_pending"
    assert MembershipRequest.objects.count() == 1
    assert AuditEvent.objects.count() == 2


def test_confirming_a_second_request_for_a_pending_city_is_refused(commission):
    city = CityFactory()
    first, second = _apply(commission, city), _apply(commission, city, email="other@example.org")
    services.confirm_application(first)
    with pytest.raises(services.MembershipError) as exc:
        services.confirm_application(second)
    assert exc.value.code == "already_pending"
    second.refresh_from_db()
    assert second.status == MembershipRequest.Status.UNCONFIRMED


def test_a_city_may_apply_again_after_a_rejection(commission, secretariat):
    city = CityFactory()
    first = services.confirm_application(_apply(commission, city))
    services.reject_membership(first, by=secretariat, message="Not now.")
    again = services.confirm_application(_apply(commission, city))
    assert again.status == MembershipRequest.Status.PENDING


def test_approval_makes_the_city_a_member_and_invites_the_applicant_as_focal_point(
    commission, secretariat, smtp, django_capture_on_commit_callbacks
):
    application = MembershipRequestFactory(
        commission=commission, language="fr", email="claire@poitiers.example", contact_name="Claire"
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.approve_membership(application, by=secretariat, message="Bienvenue !")
    assert membership.status == Membership.Status.ACTIVE
    assert membership.city == application.city
    # No account yet: it is created when the link is opened, which proves the address.
    assert not User.objects.filter(email="claire@poitiers.example").exists()
    invitation = Invitation.objects.get()
    assert (invitation.city, invitation.email, invitation.role, invitation.language) == (
        application.city,
        "claire@poitiers.example",
        "focal_point",
        "fr",
    )
    assert (invitation.invited_by, invitation.request, invitation.accepted_at) == (
        secretariat,
        application,
        None,
    )
    [message] = smtp.messages
    assert message["To"] == "claire@poitiers.example"
    assert message["Subject"].strip() == (
        f"[Cityloom] Bienvenue : {application.city.name} est membre de "
        "« Commission des Villes Numériques et de la Connaissance »"
    )
    body = message.get_content()
    assert "Bienvenue !" in body
    assert f"http://testserver/fr/invitations/{invitation.token}/" in body
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", secretariat)


def test_approval_by_another_commissions_secretariat_is_denied(commission):
    other = CommissionFactory()
    outsider = UserFactory()
    other.secretariat.add(outsider)
    application = MembershipRequestFactory(commission=commission)
    with pytest.raises(PermissionDenied):
        services.approve_membership(application, by=outsider)
    assert Membership.objects.count() == 0
    application.refresh_from_db()
    assert application.status == "pending"


def test_a_request_is_decided_once(commission, secretariat):
    application = MembershipRequestFactory(commission=commission)
    services.approve_membership(application, by=secretariat)
    with pytest.raises(services.MembershipError):
        services.reject_membership(application, by=secretariat, message="Too late")
    assert MembershipRequest.objects.get().status == "approved"


def test_approval_rolls_back_when_the_applicant_belongs_to_another_city(commission, secretariat):
    UserFactory(email="taken@example.org", city=CityFactory())
    application = MembershipRequestFactory(commission=commission, email="taken@example.org")
    with pytest.raises(services.MembershipError):
        services.approve_membership(application, by=secretariat)
    assert Membership.objects.count() == 0
    assert MembershipRequest.objects.get().status == "pending"


def test_focal_point_invites_a_colleague_of_their_city(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    city = CityFactory(name="Bordeaux")
    focal = UserFactory(city=city, role="focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_colleague(
            city, email="luc@bordeaux.example", by=focal, language="fr"
        )
    assert (invitation.city, invitation.role, invitation.invited_by) == (city, "member", focal)
    assert not User.objects.filter(email="luc@bordeaux.example").exists()
    assert (
        mailoutbox[0].subject == f"[Cityloom] {focal} vous invite à rejoindre Bordeaux sur Cityloom"
    )
    assert f"http://testserver/fr/invitations/{invitation.token}/" in mailoutbox[0].body


def test_a_member_cannot_invite(db):
    city = CityFactory()
    member = UserFactory(city=city, role="member")
    with pytest.raises(PermissionDenied):
        services.invite_colleague(city, email="x@example.org", by=member, language="en")
    assert not User.objects.filter(email="x@example.org").exists()


def test_focal_point_cannot_invite_to_another_city(db):
    bilbao, bordeaux = CityFactory(name="Bilbao"), CityFactory(name="Bordeaux")
    focal = UserFactory(city=bordeaux, role="focal_point")
    with pytest.raises(PermissionDenied):
        services.invite_colleague(bilbao, email="x@example.org", by=focal, language="en")


def test_secretariat_assigns_a_focal_point_and_it_is_audited(commission, secretariat):
    membership = MembershipFactory(commission=commission)
    person = UserFactory(city=membership.city)
    services.assign_role(person, role="focal_point", by=secretariat)
    person.refresh_from_db()
    assert person.role == "focal_point"
    event = AuditEvent.objects.get(verb="person.role_changed")
    assert (event.actor, event.data) == (secretariat, {"old": "member", "new": "focal_point"})


def test_secretariat_cannot_assign_roles_outside_its_commission(secretariat):
    person = UserFactory(city=MembershipFactory().city)
    with pytest.raises(PermissionDenied):
        services.assign_role(person, role="focal_point", by=secretariat)


def test_focal_point_cannot_edit_other_city(db):
    bilbao, bordeaux = CityFactory(name="Bilbao"), CityFactory(name="Bordeaux")
    focal = UserFactory(city=bordeaux, role="focal_point")
    with pytest.raises(PermissionDenied):
        services.update_city_profile(
            bilbao, by=focal, description="Hacked", website="", languages=[]
        )
    bilbao.refresh_from_db()
    assert bilbao.description == ""


def test_focal_point_edits_own_city_and_the_old_values_are_kept(db):
    city = CityFactory(description="Old")
    focal = UserFactory(city=city, role="focal_point")
    services.update_city_profile(
        city, by=focal, description="New", website="https://x.example", languages=["fr"]
    )
    city.refresh_from_db()
    assert (city.description, city.website, city.languages) == (
        "New",
        "https://x.example",
        ["fr"],
    )
    assert AuditEvent.objects.get().data["old"]["description"] == "Old"
