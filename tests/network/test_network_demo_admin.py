import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cityloom.core.demo import DEMO_PASSWORD, demo_files, load_demo
from cityloom.network.demo.steps import secretariat_group
from cityloom.network.models import Commission, Membership, MembershipRequest
from tests.factories import MembershipFactory, MembershipRequestFactory, UserFactory

User = get_user_model()


def _load_network():
    return load_demo(files=demo_files(["network"]))


@pytest.fixture
def demo(db):
    return _load_network()


def test_demo_network_is_the_reports_commission(demo):
    digital = Commission.objects.get(slug="digital-cities")
    assert digital.president_city.name == "Bilbao"
    assert digital.organisation.acronym == "UCLG"
    members = Membership.objects.active().filter(commission=digital)
    assert members.count() == 30
    joined_2013 = sorted(m.city.name for m in members.filter(joined_on__year=2013))
    assert joined_2013 == ["Alcorcón", "Mexico City"]
    assert {"Bordeaux", "Johannesburg", "Poitiers", "Pau", "Lappeenranta"} <= {
        m.city.name for m in members
    }
    assert len({m.city.region for m in members}) >= 5
    joint = digital.joint_activities.get()
    assert {c.slug for c in joint.commissions.all()} == {
        "digital-cities",
        "urban-strategic-planning",
    }
    assert (joint.city.name, joint.starts_on) == ("Rabat", dt.date(2013, 10, 2))


def test_demo_network_dates_its_history_and_keeps_todays_application(demo):
    """Members joined from 2005 to 2013 on their own dates, never the day of loading."""
    joined = Membership.objects.filter(commission__slug="digital-cities")
    assert min(m.joined_on for m in joined) == dt.date(2005, 11, 18)
    assert max(m.joined_on for m in joined) <= dt.date(2013, 12, 31)
    assert {m.joined_on.year for m in joined} == set(range(2005, 2014))
    approved = MembershipRequest.objects.filter(status=MembershipRequest.Status.APPROVED)
    assert sorted((r.city.name, r.created_at.year, r.decided_at.year) for r in approved) == [
        ("Alcorcón", 2013, 2013),
        ("Mexico City", 2013, 2013),
    ]
    pending = MembershipRequest.objects.get(status=MembershipRequest.Status.PENDING)
    assert pending.city.name == "Guadalajara"
    # The present-day layer: the application arrived days ago, whatever today is.
    assert 0 < (timezone.now() - pending.created_at).days <= 7


def test_demo_is_idempotent_and_prints_working_accounts(demo, client):
    again = _load_network()
    assert (again.created, again.updated, again.changes) == (0, 0, [])
    assert again.accounts == demo.accounts
    assert Membership.objects.filter(commission__slug="digital-cities").count() == 30
    assert client.login(email="secretariat@cityloom.demo", password=DEMO_PASSWORD)
    assert set(demo.accounts) >= {"secretariat@cityloom.demo", "focal.bilbao@cityloom.demo"}
    assert User.objects.get(email="focal.bilbao@cityloom.demo").language == "es"


def test_secretariat_admin_lists_only_its_commissions_requests(client, secretariat, commission):
    secretariat.is_staff = True
    secretariat.save()
    secretariat.groups.add(secretariat_group())
    mine = MembershipRequestFactory(commission=commission)
    MembershipRequestFactory()
    client.force_login(secretariat)
    response = client.get("/en/admin/network/membershiprequest/")
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [mine]


def test_admin_action_approves_through_the_service(client, secretariat, commission):
    secretariat.is_staff = True
    secretariat.save()
    secretariat.groups.add(secretariat_group())
    application = MembershipRequestFactory(commission=commission)
    client.force_login(secretariat)
    client.post(
        "/en/admin/network/membershiprequest/",
        {"action": "approve", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.APPROVED
    assert Membership.objects.get(city=application.city).joined_on == timezone.localdate()


def test_focal_point_in_admin_cannot_change_another_city(client, db):
    focal = UserFactory(role="focal_point", is_staff=True)
    focal.city = MembershipFactory().city
    focal.save()
    focal.groups.add(secretariat_group())
    other = MembershipFactory().city
    client.force_login(focal)
    # City facts are public, so the admin may show them, read-only.
    assert (
        client.get(f"/en/admin/network/city/{other.pk}/change/").context["has_change_permission"]
        is False
    )
    response = client.post(f"/en/admin/network/city/{other.pk}/change/", {"description": "Hacked"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.description == ""


def test_secretariat_admin_cannot_change_another_commission(client, secretariat, commission):
    secretariat.is_staff = True
    secretariat.save()
    secretariat.groups.add(secretariat_group())
    other = MembershipFactory().commission
    client.force_login(secretariat)
    response = client.post(
        f"/en/admin/network/commission/{other.pk}/change/", {"name": "Taken over"}
    )
    # Answered as for a commission that does not exist: another's is not even confirmed.
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    other.refresh_from_db()
    assert other.name != "Taken over"
    assert [
        m.commission for m in client.get("/en/admin/network/membership/").context["cl"].queryset
    ] == []
