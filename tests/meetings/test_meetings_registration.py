import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityloom.meetings import services
from cityloom.meetings.models import Registration
from tests.factories import CityFactory, UserFactory

from .factories import member_person


def test_member_gets_a_seat_and_a_confirmation_in_their_language(
    meeting, django_capture_on_commit_callbacks, mailoutbox
):
    person = member_person(meeting, language="es", name="Ane")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(meeting, person=person)
    assert registration.status == Registration.Status.REGISTERED
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert "Reunión de trabajo sobre economía inteligente" in mailoutbox[0].subject
    assert "Su plaza" in mailoutbox[0].body
    assert "/es/meetings/bordeaux-2013/meeting.ics" in mailoutbox[0].body


def test_full_meeting_puts_people_on_the_waiting_list(
    meeting, django_capture_on_commit_callbacks, mailoutbox
):
    meeting.capacity = 1
    meeting.save()
    first, second = member_person(meeting), member_person(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(meeting, person=first)
        waiting = services.register(meeting, person=second)
    assert waiting.status == Registration.Status.WAITING
    assert "waiting list" in mailoutbox[1].body


def test_cancelled_seat_goes_to_the_first_person_waiting(
    meeting, django_capture_on_commit_callbacks, mailoutbox
):
    meeting.capacity = 1
    meeting.save()
    first, second, third = (member_person(meeting) for _ in range(3))
    for person in (first, second, third):
        services.register(meeting, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(meeting, person=first)
    assert promoted.person == second
    statuses = dict(Registration.objects.values_list("person__email", "status"))
    assert statuses == {
        first.email: "cancelled",
        second.email: "registered",
        third.email: "waiting",
    }
    assert [m.to for m in mailoutbox] == [[second.email]]


def test_registration_refused_outside_the_window(meeting):
    meeting.registration_closes_at = dt.datetime(2013, 5, 1, tzinfo=dt.UTC)
    meeting.registration_opens_at = dt.datetime(2013, 4, 1, tzinfo=dt.UTC)
    meeting.save()
    with pytest.raises(services.MeetingError, match="closed"):
        services.register(meeting, person=member_person(meeting))
    assert not Registration.objects.exists()


def test_registering_twice_is_refused(meeting):
    person = member_person(meeting)
    services.register(meeting, person=person)
    with pytest.raises(services.MeetingError, match="already registered"):
        services.register(meeting, person=person)
    assert Registration.objects.count() == 1


def test_person_of_a_non_member_city_cannot_register(meeting):
    outsider = UserFactory(city=CityFactory(name="Elsewhere"))
    with pytest.raises(PermissionDenied):
        services.register(meeting, person=outsider)
    assert not Registration.objects.exists()


def test_secretariat_may_register_without_a_city(meeting, secretariat):
    assert services.register(meeting, person=secretariat).status == "registered"


def test_cancelling_frees_the_votes_while_the_grid_is_not_built(meeting, people):
    from .factories import TopicFactory

    topic = TopicFactory(meeting=meeting, proposer=people["Pau"])
    services.set_vote(topic, person=people["Bilbao"], wanted=True)
    services.cancel_registration(meeting, person=people["Bilbao"])
    assert topic.votes.count() == 0
