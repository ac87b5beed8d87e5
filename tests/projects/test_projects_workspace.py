"""What projects put in "My space": requests and overdue deliverables, unanswered tasks."""

import datetime as dt

import pytest

from cityloom.projects import services
from cityloom.projects.workspace import pending


@pytest.fixture
def waiting(project, focal, secretariat, cities):
    services.request_join(project, by=focal["Pau"], message="Please")
    services.add_deliverable(
        project,
        by=secretariat,
        title="Late",
        due_on=dt.date(2014, 1, 1),
        owner_city=cities["Bilbao"],
    )
    services.add_deliverable(project, by=secretariat, title="Later", due_on=dt.date(2030, 1, 1))
    services.add_task(project, by=secretariat, title="Sectors")
    return project


def test_secretariat_sees_requests_and_overdue_deliverables(
    waiting, secretariat, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        items = pending(secretariat)
    assert [(i.label, i.count, i.url, i.group) for i in items] == [
        (
            "1 request to join or propose a project to decide",
            1,
            "/en/projects/requests/",
            "Projects",
        ),
        ("1 project deliverable overdue", 1, "/en/projects/requests/", "Projects"),
    ]
    assert items[1].since == dt.datetime(2014, 1, 1, tzinfo=dt.UTC)


def test_focal_point_sees_the_tasks_their_city_owes(waiting, focal, secretariat):
    (item,) = pending(focal["Bilbao"])
    assert (item.label, item.url) == (
        "1 project task your city has not answered",
        f"/en/projects/{waiting.pk}/#task-{waiting.tasks.get().pk}",
    )
    services.answer_task(waiting.tasks.get(), by=focal["Bilbao"], text="Energy")
    assert pending(focal["Bilbao"]) == []


def test_nothing_for_people_it_does_not_concern(waiting, focal, member, neighbour):
    assert pending(focal["Pau"]) == []  # asked to join, does not take part yet
    assert pending(member) == []
    assert pending(neighbour["secretariat"]) == []
