import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from cityloom.core.models import AuditEvent
from cityloom.network import services
from cityloom.network.models import Membership, MembershipRequest
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


def test_application_is_recorded_and_confirmed_in_the_applicants_language(
    commission, django_capture_on_commit_callbacks, mailoutbox
):
    city = CityFactory(name="Alcorcón")
    with django_capture_on_commit_callbacks(execute=True):
        application = _apply(commission, city)
    assert list(MembershipRequest.objects.all()) == [application]
    assert application.status == MembershipRequest.Status.PENDING
    assert [m.to for m in mailoutbox] == [["ana@alcorcon.example"], ["secretariat@example.org"]]
    assert mailoutbox[0].subject == "[Cityloom] Hemos recibido la solicitud de Alcorcón"
    assert "Comisión de Ciudades Digitales" not in mailoutbox[0].body  # the name is data, not UI
    assert AuditEvent.objects.get().verb == "membership.applied"


def test_application_for_a_member_city_is_refused(commission):
    membership = MembershipFactory(commission=commission)
    with pytest.raises(services.MembershipError) as exc:
        _apply(commission, membership.city)
    assert exc.value.code == "already_member"
    assert MembershipRequest.objects.count() == 0


def test_second_pending_application_is_refused_and_nothing_is_written(commission):
    city = CityFactory()
    _apply(commission, city)
    with pytest.raises(services.MembershipError) as exc:
        _apply(commission, city, email="other@example.org")
    assert exc.value.code == "already_pending"
    assert MembershipRequest.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_a_city_may_apply_again_after_a_rejection(commission, secretariat):
    city = CityFactory()
    services.reject_membership(_apply(commission, city), by=secretariat, message="Not now.")
    again = _apply(commission, city)
    assert again.status == MembershipRequest.Status.PENDING


def test_approval_makes_the_city_a_member_and_the_applicant_its_focal_point(
    commission, secretariat, smtp, django_capture_on_commit_callbacks
):
    application = MembershipRequestFactory(
        commission=commission, language="fr", email="claire@poitiers.example", contact_name="Claire"
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.approve_membership(application, by=secretariat, message="Bienvenue !")
    assert membership.status == Membership.Status.ACTIVE
    assert membership.city == application.city
    person = User.objects.get(email="claire@poitiers.example")
    assert (person.city, person.role, person.language) == (application.city, "focal_point", "fr")
    assert not person.has_usable_password()
    [message] = smtp.messages
    assert message["To"] == "claire@poitiers.example"
    assert message["Subject"].strip() == (
        f"[Cityloom] Bienvenue : {application.city.name} est membre de "
        "« Commission des Villes Numériques et de la Connaissance »"
    )
    body = message.get_content()
    assert "Bienvenue !" in body
    assert "http://testserver/fr/accounts/password/reset/key/" in body
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
        services.invite_colleague(city, email="luc@bordeaux.example", by=focal, language="fr")
    colleague = User.objects.get(email="luc@bordeaux.example")
    assert (colleague.city, colleague.role) == (city, "member")
    assert (
        mailoutbox[0].subject == f"[Cityloom] {focal} vous invite à rejoindre Bordeaux sur Cityloom"
    )


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
            bilbao, by=focal, description="Hacked", website="", languages=""
        )
    bilbao.refresh_from_db()
    assert bilbao.description == ""


def test_focal_point_edits_own_city_and_the_old_values_are_kept(db):
    city = CityFactory(description="Old")
    focal = UserFactory(city=city, role="focal_point")
    services.update_city_profile(
        city, by=focal, description="New", website="https://x.example", languages="fr"
    )
    city.refresh_from_db()
    assert (city.description, city.website) == ("New", "https://x.example")
    assert AuditEvent.objects.get().data["old"]["description"] == "Old"
