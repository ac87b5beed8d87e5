import pytest

from cityloom.meetings import services
from cityloom.meetings.models import Meeting

from .factories import MeetingFactory, RoomFactory, SlotFactory, TopicFactory, VoteFactory


@pytest.mark.parametrize("count", [1, 3])
def test_meetings_api_queries_do_not_grow(client, commission, count, django_assert_num_queries):
    for _ in range(count):
        meeting = MeetingFactory(commission=commission)
        RoomFactory(meeting=meeting)
        SlotFactory(meeting=meeting)
        VoteFactory(topic=TopicFactory(meeting=meeting))
    with django_assert_num_queries(5):
        response = client.get("/api/v1/meetings")
    assert len(response.json()) == count


def test_meetings_api_lists_public_fields_sessions_and_projects(
    client, meeting, people, secretariat
):
    topic = TopicFactory(meeting=meeting, proposer=people["Bordeaux"], title="E-commerce")
    for city in ("Bordeaux", "Poitiers", "Bilbao"):
        VoteFactory(topic=topic, person=people[city])
    MeetingFactory(commission=meeting.commission, status=Meeting.Status.DRAFT)
    services.optimise_grid(meeting, by=secretariat)
    services.publish_grid(meeting, by=secretariat)
    services.identify_project(topic, by=secretariat, description="Online exchanges every 4 months")
    (data,) = client.get("/api/v1/meetings").json()
    assert data["slug"] == "bordeaux-2013"
    assert data["languages"] == ["en", "fr", "es"]
    assert data["status"] == "published"
    assert [(s["title"], s["votes"]) for s in data["sessions"]] == [("E-commerce", 3)]
    (project,) = data["projects"]
    assert project["title"] == "E-commerce"
    assert project["session"] == topic.pk
    assert sorted(project["cities"]) == sorted(
        people[c].city.geonames_id for c in ("Bordeaux", "Poitiers", "Bilbao")
    )
    assert "registrations" not in data
    detail = client.get("/api/v1/meetings/bordeaux-2013").json()
    assert detail == data


def test_unpublished_grid_is_not_in_the_api(client, meeting, people, secretariat):
    VoteFactory(topic=TopicFactory(meeting=meeting, proposer=people["Pau"]), person=people["Pau"])
    services.optimise_grid(meeting, by=secretariat)
    assert client.get("/api/v1/meetings/bordeaux-2013").json()["sessions"] == []
    assert client.get("/api/v1/meetings/bordeaux-2013/schedule.json").status_code == 404
