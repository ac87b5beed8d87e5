"""A year of a commission's work, `n` items of every kind the annual report tells about."""

import datetime as dt

from django.utils import timezone

from cityloom.communications.models import Circular, Event, NewsPost
from cityloom.core.models import Tag
from cityloom.meetings.models import Meeting
from cityloom.network.models import CommissionRelation, JointActivity, MembershipRequest
from cityloom.observatory.models import Publication
from cityloom.practices.models import Compendium, CompendiumEntry
from cityloom.projects.models import Project, ProjectCity
from cityloom.study.models import Edition
from tests.factories import (
    CityFactory,
    CommissionFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)
from tests.meetings.factories import (
    MeetingFactory,
    RegistrationFactory,
    RoomFactory,
    SlotFactory,
    TopicFactory,
)
from tests.mentoring.factories import MilestoneFactory, ProgrammeFactory, publish_results
from tests.practices.factories import PracticeFactory

UTC = dt.UTC


def at(year, month, day, hour=12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=UTC)


def build_year(commission, n: int, *, year: int = 2013, tag: str = "") -> dict:
    """`n` items of each section of the report of `year`, all the commission's own."""
    made: dict[str, list] = {}
    cities = [CityFactory(name=f"{tag}Member {i}") for i in range(n)]
    made["members"] = []
    for i, city in enumerate(cities):
        MembershipFactory(city=city, commission=commission, joined_on=dt.date(year, 3, 1 + i))
        request = MembershipRequestFactory(
            commission=commission, city=city, status=MembershipRequest.Status.APPROVED
        )
        MembershipRequest.objects.filter(pk=request.pk).update(
            created_at=at(year, 1, 10 + i), decided_at=at(year, 2, 20 + i)
        )
        made["members"].append(city)

    made["relations"] = []
    for i in range(n):
        other = CommissionFactory(name=f"{tag}Related commission {i}")
        CommissionRelation.objects.create(commission=commission, related=other, description="")
        activity = JointActivity.objects.create(
            title=f"{tag}Joint meeting {i}", starts_on=dt.date(year, 10, 2), city=cities[i]
        )
        activity.commissions.set([commission, other])
        made["relations"].append(activity)

    made["mentoring"] = []
    for i in range(n):
        programme = ProgrammeFactory(
            commission=commission,
            mentor=cities[i],
            mentee=CityFactory(name=f"{tag}Mentee {i}"),
            axes=["economy", "governance"],
            started_on=dt.date(year - 1, 6, 1),
        )
        MilestoneFactory(
            programme=programme, due_on=dt.date(year, 3, 1), done_on=dt.date(year, 2, 1)
        )
        made["mentoring"].append(programme)

    made["events"] = [
        Event.objects.create(
            commission=commission,
            slug=f"{tag.lower()}event-{commission.pk}-{i}",
            title=f"{tag}Conference {i}",
            description=f"**A conference** on digital industries {i}.\n\nMore.",
            starts_at=at(year, 3, 20 + i, 9),
            ends_at=at(year, 3, 20 + i, 18),
            city=cities[i],
            time_zone="Europe/Paris",
            venue="Hangar 14",
            role=Event.Role.ORGANISER,
        )
        for i in range(n)
    ]

    made["editions"] = []
    for i in range(n):
        edition = publish_results(commission, {cities[i]: {"MOB": (70.0, 1)}}, year=year - 1 - i)
        Edition.objects.filter(pk=edition.pk).update(published_at=at(year, 4, 1 + i))
        made["editions"].append(edition)
    made["compendiums"] = []
    for i in range(n):
        compendium = Compendium.objects.create(
            commission=commission,
            slug=f"{tag.lower()}compendium-{commission.pk}-{i}",
            title=f"{tag}Compendium {i}",
            introduction="Practices.",
        )
        practice = PracticeFactory(
            commission=commission, city=cities[i], published_at=at(year, 5, 1)
        )
        CompendiumEntry.objects.create(compendium=compendium, practice=practice, position=1)
        Compendium.objects.filter(pk=compendium.pk).update(created_at=at(year, 6, 1))
        made["compendiums"].append(compendium)

    topic_tag = Tag.objects.get_or_create(slug="open-data", defaults={"name": "Open data"})[0]
    made["publications"] = []
    for i in range(n):
        publication = Publication.objects.create(
            title=f"{tag}Publication {i}", published_at=at(year, 7, 1 + i)
        )
        publication.tags.add(topic_tag)
        made["publications"].append(publication)

    made["circulars"] = [
        Circular.objects.create(
            commission=commission,
            subject=f"{tag}Circular {i}",
            body="Text.",
            status=Circular.Status.SENT,
            sent_at=at(year, 2 + i, 1),
            year=year,
            number=i + 1,
        )
        for i in range(n)
    ]
    made["news"] = [
        NewsPost.objects.create(
            commission=commission,
            slug=f"{tag.lower()}news-{commission.pk}-{i}",
            title=f"{tag}News {i}",
            body="Text.",
            published_at=at(year, 8, 1 + i),
        )
        for i in range(n)
    ]

    made["meetings"] = []
    for i in range(n):
        meeting = MeetingFactory(
            commission=commission,
            title=f"{tag}Working meeting {i}",
            starts_on=dt.date(year, 5, 31),
            ends_on=dt.date(year, 5, 31),
            host_city=cities[i],
            status=Meeting.Status.PUBLISHED,
        )
        room, slot = RoomFactory(meeting=meeting), SlotFactory(meeting=meeting)
        TopicFactory(meeting=meeting, room=room, slot=slot)
        RegistrationFactory(meeting=meeting, person=UserFactory(city=cities[i]))
        for j in range(2):
            project = Project.objects.create(
                commission=commission,
                title=f"{tag}Project {i}.{j}",
                axis="economy",
                methodology="Online exchanges every 4 months.",
                meeting=meeting,
                status=Project.Status.ACTIVE,
            )
            ProjectCity.objects.create(project=project, city=cities[i])
        made["meetings"].append(meeting)

    made["planned"] = []
    for i in range(n):
        planned = MeetingFactory(
            commission=commission,
            title=f"{tag}Planned meeting {i}",
            axis="governance",
            starts_on=dt.date(year + 1, 5, 1 + i),
            ends_on=dt.date(year + 1, 5, 1 + i),
        )
        Meeting.objects.filter(pk=planned.pk).update(created_at=at(year, 11, 28))
        made["planned"].append(planned)
    made["now"] = timezone.now()
    return made
