import datetime as dt

import factory

from cityloom.meetings.models import Meeting, Registration, Room, Slot, Topic, Vote
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

PARIS = dt.timezone(dt.timedelta(hours=2))  # Bordeaux in May (CEST)


class MeetingFactory(factory.django.DjangoModelFactory):
    """An open meeting whose registration window is open (it spans this century)."""

    class Meta:
        model = Meeting

    commission = factory.SubFactory(CommissionFactory)
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    title = factory.Sequence(lambda n: f"Working meeting {n}")
    axis = "economy"
    starts_on = dt.date(2013, 5, 31)
    ends_on = dt.date(2013, 5, 31)
    time_zone = "Europe/Paris"
    venue = "Hôtel de Ville"
    languages = factory.LazyFunction(lambda: ["en", "fr", "es"])
    registration_opens_at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    registration_closes_at = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    capacity = 30
    status = Meeting.Status.OPEN


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 10
    position = factory.Sequence(lambda n: n)


class SlotFactory(factory.django.DjangoModelFactory):
    """Hour-long slots from 9:00 (Bordeaux time) on the meeting's day, one after the other."""

    class Meta:
        model = Slot

    meeting = factory.SubFactory(MeetingFactory)
    starts_at = factory.Sequence(
        lambda n: dt.datetime(2013, 5, 31, 9, tzinfo=PARIS) + dt.timedelta(hours=n % 12)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(UserFactory)
    status = Registration.Status.REGISTERED


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    meeting = factory.SubFactory(MeetingFactory)
    proposer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")
    axis = "economy"
    language = "en"


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    topic = factory.SubFactory(TopicFactory)
    person = factory.SubFactory(UserFactory)


def member_person(meeting: Meeting, *, city=None, **fields):
    """A person of an active member city of the meeting's commission."""
    if city is None:
        city = CityFactory()
    if not city.memberships.filter(commission=meeting.commission).exists():
        MembershipFactory(city=city, commission=meeting.commission)
    return UserFactory(city=city, **fields)


def participant(meeting: Meeting, *, city=None, **fields):
    """A member person registered with a seat."""
    person = member_person(meeting, city=city, **fields)
    RegistrationFactory(meeting=meeting, person=person)
    return person
