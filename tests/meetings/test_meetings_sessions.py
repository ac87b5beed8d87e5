import pytest
from django.core.exceptions import PermissionDenied

from cityloom.meetings import services
from cityloom.meetings.models import NoteVersion
from cityloom.projects.models import Project

from .factories import TopicFactory, VoteFactory, member_person


@pytest.fixture
def session(meeting, people, secretariat):
    topic = TopicFactory(
        meeting=meeting, proposer=people["Bordeaux"], title="E-commerce", axis="economy"
    )
    for city in ("Bordeaux", "Poitiers", "Bilbao"):
        VoteFactory(topic=topic, person=people[city])
    services.optimise_grid(meeting, by=secretariat)
    topic.refresh_from_db()
    return topic


def test_notes_are_versioned(session, people):
    first = services.save_notes(session, by=people["Pau"], text="# Ideas", base_version=0)
    second = services.save_notes(
        session, by=people["Bilbao"], text="# Ideas\n\n- 3D", base_version=1
    )
    assert (first.number, second.number) == (1, 2)
    assert list(session.note_versions.values_list("number", "text")) == [
        (2, "# Ideas\n\n- 3D"),
        (1, "# Ideas"),
    ]


def test_notes_saved_on_an_old_version_are_refused(session, people):
    services.save_notes(session, by=people["Pau"], text="one", base_version=0)
    services.save_notes(session, by=people["Pau"], text="two", base_version=1)
    with pytest.raises(services.MeetingError, match="version 2"):
        services.save_notes(session, by=people["Bilbao"], text="mine", base_version=1)
    assert NoteVersion.objects.count() == 2


def test_only_participants_and_secretariat_write_notes(session, meeting, secretariat):
    with pytest.raises(PermissionDenied):
        services.save_notes(session, by=member_person(meeting), text="x", base_version=0)
    assert services.save_notes(session, by=secretariat, text="x", base_version=0).number == 1


def test_outcome_is_recorded(session, people):
    services.record_outcome(session, by=people["Pau"], experiences="Bordeaux's business meetings")
    session.refresh_from_db()
    assert session.experiences == "Bordeaux's business meetings"


def test_project_is_proposed_with_the_voters_cities(session, people, cities):
    project = services.identify_project(session, by=people["Pau"])
    assert (project.title, project.axis, project.meeting_id) == (
        "E-commerce",
        "economy",
        session.meeting_id,
    )
    # The cities of those who voted, not of the person who pressed the button (Pau).
    assert list(project.cities.order_by("name").values_list("name", flat=True)) == [
        "Bilbao",
        "Bordeaux",
        "Poitiers",
    ]


def test_project_needs_a_session_of_the_grid(meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"])
    with pytest.raises(services.MeetingError):
        services.identify_project(topic, by=people["Pau"])
    assert not Project.objects.exists()


def test_member_not_registered_cannot_identify_a_project(session, meeting):
    with pytest.raises(PermissionDenied):
        services.identify_project(session, by=member_person(meeting))
    assert not Project.objects.exists()
