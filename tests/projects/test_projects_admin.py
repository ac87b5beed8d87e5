"""The back office: each secretariat sees and changes its own commission's projects only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cityloom.projects import services
from cityloom.projects.models import JoinRequest

from .conftest import make_project


@pytest.fixture
def staff(secretariat, neighbour):
    for person in (secretariat, neighbour["secretariat"]):
        person.is_staff = True
        person.save()
        person.user_permissions.set(Permission.objects.filter(content_type__app_label="projects"))
    return secretariat


def test_admin_is_scoped_to_the_commission(client, staff, project, neighbour, cities, focal):
    theirs = make_project(
        neighbour["commission"],
        neighbour["secretariat"],
        {"Lyon": neighbour["city"]},
        lead="Lyon",
        participants=(),
    )
    join = services.request_join(project, by=focal["Pau"], message="Please")
    client.force_login(staff)
    listing = client.get(reverse("admin:projects_project_changelist")).content.decode()
    assert project.title in listing
    assert reverse("admin:projects_project_change", args=[theirs.pk]) not in listing
    assert (
        client.get(reverse("admin:projects_project_change", args=[project.pk])).status_code == 200
    )
    assert client.get(reverse("admin:projects_project_change", args=[theirs.pk])).status_code in (
        302,
        403,
        404,
    )
    assert (
        client.get(reverse("admin:projects_joinrequest_change", args=[join.pk])).status_code == 200
    )
    client.force_login(neighbour["secretariat"])
    assert client.get(reverse("admin:projects_joinrequest_change", args=[join.pk])).status_code in (
        302,
        403,
        404,
    )
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING
