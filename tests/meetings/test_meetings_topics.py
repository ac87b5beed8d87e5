import pytest
from django.core.exceptions import PermissionDenied

from cityloom.meetings import permissions, services
from cityloom.meetings.models import Meeting, Topic, Vote

from .factories import RegistrationFactory, TopicFactory, member_person


def _propose(meeting, person, **fields):
    data = {"title": "Data mining", "axis": "economy", "language": "fr", **fields}
    return services.propose_topic(meeting, by=person, **data)


def test_participant_proposes_a_topic_with_slots_they_cannot_make(meeting, people):
    first_slot = meeting.slots.first()
    topic = _propose(meeting, people["Bordeaux"], unavailable_slots=[first_slot])
    assert list(topic.unavailable_slots.all()) == [first_slot]
    assert topic.proposer == people["Bordeaux"]


def test_member_not_registered_cannot_propose(meeting):
    with pytest.raises(PermissionDenied):
        _propose(meeting, member_person(meeting))
    assert not Topic.objects.exists()


def test_person_on_the_waiting_list_cannot_propose_or_vote(meeting, people):
    waiting = member_person(meeting)
    RegistrationFactory(meeting=meeting, person=waiting, status="waiting")
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"])
    assert not permissions.can_propose(waiting, meeting)
    with pytest.raises(PermissionDenied):
        services.set_vote(topic, person=waiting, wanted=True)


def test_topic_language_must_be_a_language_of_the_meeting(meeting, people):
    with pytest.raises(services.MeetingError, match="languages of work"):
        _propose(meeting, people["Bilbao"], language="de")
    assert not Topic.objects.exists()


def test_forged_slot_of_another_meeting_is_refused(meeting, people):
    from .factories import SlotFactory

    other = SlotFactory()
    with pytest.raises(services.MeetingError, match="does not belong"):
        _propose(meeting, people["Bilbao"], unavailable_slots=[other])
    assert not Topic.objects.exists()


def test_vote_and_take_it_back(meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Bordeaux"])
    assert services.set_vote(topic, person=people["Bilbao"], wanted=True) is True
    assert services.set_vote(topic, person=people["Bilbao"], wanted=True) is True  # double click
    assert list(topic.votes.values_list("person__email", flat=True)) == ["bilbao@example.org"]
    assert services.set_vote(topic, person=people["Bilbao"], wanted=False) is False
    assert not topic.votes.exists()


def test_votes_are_locked_once_the_grid_is_built(meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Bordeaux"])
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save()
    with pytest.raises(services.MeetingError, match="Votes are closed"):
        services.set_vote(topic, person=people["Bilbao"], wanted=True)
    assert not Vote.objects.exists()


def test_votes_are_locked_while_the_grid_is_computed(meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Bordeaux"])
    Meeting.objects.filter(pk=meeting.pk).update(grid_job=Meeting.GridJob.RUNNING)
    with pytest.raises(services.MeetingError):
        services.set_vote(topic, person=people["Bilbao"], wanted=True)


def test_member_edits_only_their_own_topic(meeting, people):
    topic = _propose(meeting, people["Bordeaux"])
    with pytest.raises(PermissionDenied):
        services.update_topic(
            topic, by=people["Bilbao"], title="Hijacked", axis="economy", language="en"
        )
    services.update_topic(
        topic, by=people["Bordeaux"], title="Data mining for SMEs", axis="economy", language="en"
    )
    topic.refresh_from_db()
    assert topic.title == "Data mining for SMEs"


def test_topic_cannot_be_edited_once_the_grid_is_built(meeting, people):
    topic = _propose(meeting, people["Bordeaux"])
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.SCHEDULED)
    topic.meeting.refresh_from_db()
    with pytest.raises(services.MeetingError, match="grid is built"):
        services.update_topic(
            topic, by=people["Bordeaux"], title="Changed", axis="economy", language="en"
        )
    topic.refresh_from_db()
    assert topic.title == "Data mining"


def test_create_meeting_with_rooms_and_slots(commission, secretariat):
    import datetime as dt

    tz = dt.timezone(dt.timedelta(hours=2))
    meeting = services.create_meeting(
        by=secretariat,
        commission=commission,
        title="Smart governance",
        axis="governance",
        starts_on=dt.date(2014, 6, 5),
        ends_on=dt.date(2014, 6, 5),
        registration_opens_at=dt.datetime(2014, 1, 1, tzinfo=tz),
        registration_closes_at=dt.datetime(2014, 6, 1, tzinfo=tz),
        capacity=40,
        languages=["en", "es"],
        rooms=[("Sala 1", 20, "es ↔ en"), ("Sala 2", 12, "")],
        slots=[(dt.datetime(2014, 6, 5, 10, tzinfo=tz), dt.datetime(2014, 6, 5, 11, tzinfo=tz))],
    )
    assert meeting.slug == "smart-governance-2014"
    assert list(meeting.rooms.values_list("name", "capacity", "interpretation")) == [
        ("Sala 1", 20, "es ↔ en"),
        ("Sala 2", 12, ""),
    ]
    assert meeting.slots.count() == 1
    assert meeting.languages == ["en", "es"]


def test_only_the_commissions_secretariat_creates_meetings(commission, people):
    import datetime as dt

    with pytest.raises(PermissionDenied):
        services.create_meeting(
            by=people["Bilbao"],
            commission=commission,
            title="Mine",
            axis="economy",
            starts_on=dt.date(2014, 1, 1),
            ends_on=dt.date(2014, 1, 1),
            registration_opens_at=dt.datetime(2013, 1, 1, tzinfo=dt.UTC),
            registration_closes_at=dt.datetime(2013, 2, 1, tzinfo=dt.UTC),
            capacity=3,
            languages=["en"],
            rooms=[("A", 3, "")],
            slots=[
                (
                    dt.datetime(2014, 1, 1, 9, tzinfo=dt.UTC),
                    dt.datetime(2014, 1, 1, 10, tzinfo=dt.UTC),
                )
            ],
        )


@pytest.mark.parametrize("status", [Meeting.Status.SCHEDULED, Meeting.Status.PUBLISHED])
def test_no_topic_is_proposed_once_the_grid_is_built(meeting, people, status):
    meeting.status = status
    meeting.save()
    with pytest.raises(services.MeetingError, match="Proposals are closed"):
        _propose(meeting, people["Bilbao"])
    assert not Topic.objects.exists()


def test_no_topic_is_proposed_while_the_grid_is_computed(meeting, people):
    meeting.grid_job = Meeting.GridJob.RUNNING
    meeting.save()
    with pytest.raises(services.MeetingError, match="Proposals are closed"):
        _propose(meeting, people["Bilbao"])
    assert not Topic.objects.exists()


def test_the_topics_page_hides_the_form_once_the_grid_is_built(client, meeting, people):
    from django.urls import reverse

    client.force_login(people["Bilbao"])
    url = reverse("meetings:proposals", args=[meeting.slug])
    assert client.get(url).context["form"] is not None
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save()
    response = client.get(url)
    assert response.context["form"] is None
    assert "Propose a topic" not in response.content.decode()
    response = client.post(url, {"title": "Late", "axis": "economy", "language": "fr"})
    assert response.status_code == 302
    assert not Topic.objects.exists()
