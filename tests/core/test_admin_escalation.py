"""A secretariat account cannot raise its own privileges, or anyone's, through the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from cityloom.network.demo.steps import secretariat_group
from tests.factories import CommissionFactory, MembershipFactory, UserFactory
from tests.study.factories import make_edition

from .adminkit import form_data


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def staff(secretariat):
    """The demo's secretariat: staff, in the Secretariat group, on one commission."""
    secretariat.is_staff = True
    secretariat.name = "Ane Etxeberria"
    secretariat.save()
    secretariat.groups.add(secretariat_group())
    return secretariat


@pytest.fixture
def people(commission):
    """A person of a member city, of a city shared with B, and of B's city only."""
    other = CommissionFactory(name="Commission B")
    mine = MembershipFactory(commission=commission).city
    shared = MembershipFactory(commission=commission).city
    MembershipFactory(city=shared, commission=other)
    theirs = MembershipFactory(commission=other).city
    return {
        "other": other,
        "mine": UserFactory(city=mine, name="Mine"),
        "shared": UserFactory(city=shared, name="Shared"),
        "theirs": UserFactory(city=theirs, name="Theirs"),
        "cityless": UserFactory(name="No city"),
    }


def page(person) -> str:
    return f"/en/admin/accounts/user/{person.pk}/change/"


def test_secretariat_cannot_make_itself_superuser(client, staff, people):
    client.force_login(staff)
    other_edition = make_edition(people["other"], n_cities=1)
    assert client.get(f"/en/admin/study/edition/{other_edition.pk}/change/").status_code == 302
    anyone = Group.objects.create(name="Anything")
    anyone.permissions.set(Permission.objects.all())
    data = form_data(client.get(page(staff)))
    data.update(
        name="Ane E.",
        is_superuser="on",
        is_staff="on",
        groups=[anyone.pk],
        user_permissions=list(Permission.objects.values_list("pk", flat=True)),
        email="root@example.org",
        role="focal_point",
        city=people["theirs"].city_id,
    )
    response = client.post(page(staff), data)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.name == "Ane E."  # harmless fields are one's own to correct
    assert (staff.is_superuser, staff.email, staff.role, staff.city) == (
        False,
        "secretariat@example.org",
        "member",
        None,
    )
    assert list(staff.groups.all()) == [secretariat_group()]
    assert list(staff.user_permissions.all()) == []
    # Nothing came of it: the other commission's edition is as closed as before.
    assert client.get(f"/en/admin/study/edition/{other_edition.pk}/change/").status_code == 302


def test_secretariat_is_not_offered_privilege_fields(client, staff, people):
    def editable(response):
        form = response.context["adminform"].form
        return {name for name, field in form.fields.items() if not field.disabled}

    def shown(response):
        return {
            name
            for _title, options in response.context["adminform"].fieldsets
            for name in options["fields"]
        }

    client.force_login(staff)
    own = client.get(page(staff))
    assert editable(own) == {"name", "position", "language"}
    assert "password" in shown(own)  # the link to one's own password form
    someone = client.get(page(people["mine"]))
    assert editable(someone) == {"name", "position", "language"}
    assert not {"password", "is_superuser", "groups", "user_permissions"} & shown(someone)


def test_secretariat_cannot_grant_privileges_to_someone_else(client, staff, people):
    client.force_login(staff)
    person = people["mine"]
    data = form_data(client.get(page(person)))
    data.update(name="Renamed", is_superuser="on", is_staff="on", groups=[secretariat_group().pk])
    assert client.post(page(person), data).status_code == 302
    person.refresh_from_db()
    assert person.name == "Renamed"
    assert (person.is_superuser, person.is_staff, list(person.groups.all())) == (False, False, [])


def test_superuser_still_grants_privileges(client, people):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    person = people["theirs"]
    data = form_data(client.get(page(person)))
    data.update(is_staff="on", groups=[secretariat_group().pk])
    assert client.post(page(person), data).status_code == 302
    person.refresh_from_db()
    assert person.is_staff is True
    assert list(person.groups.all()) == [secretariat_group()]


def test_secretariat_lists_only_people_of_its_member_cities(client, staff, people):
    client.force_login(staff)
    response = client.get("/en/admin/accounts/user/")
    assert sorted(p.name for p in response.context["cl"].queryset) == [
        "Ane Etxeberria",
        "Mine",
        "Shared",
    ]
    # The city filter and the autocomplete say no more than the list.
    response = client.get(
        "/en/admin/autocomplete/",
        {"app_label": "network", "model_name": "commission", "field_name": "secretariat"},
    )
    assert sorted(r["text"] for r in response.json()["results"]) == [
        "Ane Etxeberria",
        "Mine",
        "Shared",
    ]


def test_secretariat_cannot_open_or_change_another_commissions_person(client, staff, people):
    client.force_login(staff)
    for person in (people["theirs"], people["cityless"]):
        assert client.get(page(person)).status_code == 302
        response = client.post(page(person), {"name": "Taken over", "language": "en"})
        assert response.status_code == 302
        assert response["Location"] == "/en/admin/"
        person.refresh_from_db()
        assert person.name != "Taken over"


def test_secretariat_cannot_change_password_email_or_role_of_its_people(client, staff, people):
    client.force_login(staff)
    person = people["mine"]
    before = (person.password, person.email)
    response = client.post(
        f"/en/admin/accounts/user/{person.pk}/password/",
        {"password1": "Taken-0ver-pass", "password2": "Taken-0ver-pass"},
    )
    assert response.status_code == 403
    data = form_data(client.get(page(person)))
    data.update(email="attacker@example.org", role="focal_point", is_active="")
    client.post(page(person), data)
    person.refresh_from_db()
    assert (person.password, person.email) == before
    assert (person.role, person.is_active) == ("member", True)
    # One's own password stays one's own to change.
    assert client.get(f"/en/admin/accounts/user/{staff.pk}/password/").status_code == 200


def test_secretariat_cannot_add_people(client, staff):
    client.force_login(staff)
    assert client.get("/en/admin/accounts/user/add/").status_code == 403
    response = client.post(
        "/en/admin/accounts/user/add/",
        {"email": "new@example.org", "password1": "Long-enough-1", "password2": "Long-enough-1"},
    )
    assert response.status_code == 403


def test_secretariat_cannot_delete_people_superusers_least_of_all(client, staff, people):
    city = people["mine"].city
    superuser = UserFactory(city=city, is_superuser=True, is_staff=True)
    client.force_login(staff)
    for person in (superuser, people["mine"], people["shared"], staff):
        response = client.post(f"/en/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
        person.refresh_from_db()
    client.post(
        "/en/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )
    assert type(staff).objects.filter(pk=superuser.pk, is_superuser=True).exists()
    # Changing a superuser or a staff colleague, even harmlessly, is not the secretariat's.
    colleague = UserFactory(city=city, is_staff=True)
    for person in (superuser, colleague):
        assert client.get(page(person)).context["has_change_permission"] is False
        response = client.post(page(person), {"name": "Renamed", "language": "en"})
        assert response.status_code == 403
        person.refresh_from_db()
        assert person.name == ""


def test_demo_secretariat_group_holds_no_rights_over_privileges(db):
    rights = secretariat_group().permissions.all()
    assert not rights.filter(content_type__app_label="auth").exists()
    assert not rights.filter(codename__in=["add_user", "delete_user"]).exists()
    assert sorted(
        rights.filter(content_type__app_label="core").values_list("codename", flat=True)
    ) == ["view_auditevent", "view_tag"]
    assert {"change_user", "view_user"} <= set(
        rights.filter(content_type__app_label="accounts").values_list("codename", flat=True)
    )


def test_group_admin_refuses_the_secretariat_even_with_auth_rights(client, staff):
    # Someone later gives the group the auth rights: the admin still refuses.
    secretariat_group().permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    group = Group.objects.create(name="Editors")
    client.force_login(staff)
    assert client.get("/en/admin/auth/group/").status_code == 403
    response = client.post(
        f"/en/admin/auth/group/{group.pk}/change/",
        {"name": "Editors", "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )
    assert response.status_code in (302, 403)
    assert group.permissions.count() == 0
    assert client.get("/en/admin/auth/group/add/").status_code == 403
