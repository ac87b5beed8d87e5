import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from cityloom.communications.models import Circular, Event
from cityloom.meetings.models import Meeting
from cityloom.network.models import Membership
from cityloom.reports import services
from cityloom.reports.services.facts import first_line, mentoring_stage
from tests.factories import CityFactory, CommissionFactory, MembershipFactory
from tests.mentoring.factories import MilestoneFactory, ProgrammeFactory

from .builders import build_year


def facts(commission, year=2013, language="en"):
    with translation.override(language):
        return services.annual_facts(commission, year)


def m(due, done=None):
    return SimpleNamespace(due_on=due, done_on=done)


@pytest.mark.parametrize(
    ("started", "closed", "milestones", "stage"),
    [
        # Closed by the year's end: completed, whatever else.
        (dt.date(2012, 1, 1), dt.date(2013, 12, 1), [], "completed"),
        # Begun from 1 October: just started.
        (dt.date(2013, 10, 1), None, [], "just_started"),
        (
            dt.date(2013, 11, 20),
            None,
            [m(dt.date(2013, 12, 1), dt.date(2013, 11, 30))],
            "just_started",
        ),
        # More than half of the milestones due by 31 December done by then: advanced.
        (dt.date(2012, 6, 1), None, [m(dt.date(2013, 3, 1), dt.date(2013, 2, 1))], "advanced"),
        (
            dt.date(2012, 6, 1),
            None,
            [m(dt.date(2013, 3, 1), dt.date(2013, 2, 1)), m(dt.date(2013, 6, 1))],
            "under_way",  # one of two: not more than half
        ),
        # A milestone done after the year's end does not count for that year.
        (dt.date(2012, 6, 1), None, [m(dt.date(2013, 3, 1), dt.date(2014, 1, 5))], "under_way"),
        # Milestones due later do not count; none due: under way.
        (dt.date(2013, 9, 30), None, [m(dt.date(2014, 3, 1))], "under_way"),
        (dt.date(2012, 1, 1), dt.date(2014, 2, 1), [], "under_way"),
    ],
)
def test_mentoring_stage_rule(started, closed, milestones, stage):
    assert (
        mentoring_stage(started_on=started, closed_on=closed, milestones=milestones, year=2013)[0]
        == stage
    )


def test_first_line_is_the_first_paragraph_as_plain_text():
    assert first_line("\n## **Digital** week\n\nMore") == "Digital week"
    assert first_line("See [the site](http://x.example) now") == "See the site now"
    assert first_line("") == ""
    assert first_line("x" * 300, limit=10) == "x" * 9 + "…"


def test_empty_year_says_so_in_every_section(db):
    commission = CommissionFactory()
    found = facts(commission)
    for name in found.sections:
        assert getattr(found, name).is_empty, name
    assert found.members.total == 0
    content = services.report_content(commission, 2013, language="en", draft=True)
    html = services.render_html(content)
    for sentence in [
        "No city joined the commission in 2013.",
        "Nothing to report on relations with other commissions in 2013.",
        "No mentoring programme ran in 2013.",
        "No event in 2013.",
        "No study or publication in 2013.",
        "The observatory added no publication dated 2013.",
        "No circular was sent in 2013.",
        "No working meeting was held in 2013.",
        "No meeting was planned after 2013 by the end of the year.",
    ]:
        assert sentence in html
    data = found.as_dict()
    assert data["members"] == {"new": [], "total": 0, "total_url": "/en/members/", "is_empty": True}


def test_new_members_with_their_request_and_approval_dates_and_the_total(db):
    commission = CommissionFactory()
    made = build_year(commission, 2)
    MembershipFactory(commission=commission, joined_on=dt.date(2010, 1, 1))  # earlier member
    MembershipFactory(commission=commission, joined_on=dt.date(2014, 1, 1))  # later
    MembershipFactory(  # left during 2013
        commission=commission,
        joined_on=dt.date(2009, 1, 1),
        left_on=dt.date(2013, 5, 1),
        status=Membership.Status.LEFT,
    )
    MembershipFactory(joined_on=dt.date(2013, 4, 1))  # another commission's
    section = facts(commission).members
    assert [(n.city.name, n.requested_on, n.approved_on, n.joined_on) for n in section.new] == [
        ("Member 0", dt.date(2013, 1, 10), dt.date(2013, 2, 20), dt.date(2013, 3, 1)),
        ("Member 1", dt.date(2013, 1, 11), dt.date(2013, 2, 21), dt.date(2013, 3, 2)),
    ]
    assert section.new[0].city.url == made["members"][0].get_absolute_url()
    assert section.total == 3  # the two new ones and the 2010 member


def test_relations_and_joint_activities_of_the_year(db):
    commission = CommissionFactory()
    build_year(commission, 1)
    section = facts(commission).relations
    assert [r.name for r in section.relations] == ["Related commission 0"]
    [activity] = section.joint_activities
    assert (activity.title, activity.date, activity.city) == (
        "Joint meeting 0",
        dt.date(2013, 10, 2),
        "Member 0",
    )
    assert sorted(activity.commissions) == sorted([commission.name, "Related commission 0"])


def test_mentoring_programmes_active_in_the_year_with_their_stage(db):
    commission = CommissionFactory()
    bilbao, bordeaux, joburg = (CityFactory(name=n) for n in ["Bilbao", "Bordeaux", "Johannesburg"])
    advanced = ProgrammeFactory(
        commission=commission,
        mentor=bilbao,
        mentee=bordeaux,
        started_on=dt.date(2012, 4, 1),
        axes=["economy"],
    )
    MilestoneFactory(programme=advanced, due_on=dt.date(2013, 3, 1), done_on=dt.date(2013, 3, 1))
    ProgrammeFactory(
        commission=commission,
        mentor=bilbao,
        mentee=joburg,
        started_on=dt.date(2013, 11, 4),
        axes=["governance"],
    )
    ProgrammeFactory(
        commission=commission, started_on=dt.date(2011, 1, 1), closed_on=dt.date(2012, 6, 1)
    )
    ProgrammeFactory(commission=commission, started_on=dt.date(2014, 1, 1))
    ProgrammeFactory(started_on=dt.date(2013, 1, 1))  # another commission's
    section = facts(commission).mentoring
    assert [
        (p.mentor.name, p.mentee.name, p.stage, p.stage_label, p.axes) for p in section.programmes
    ] == [
        ("Bilbao", "Bordeaux", "advanced", "advanced", ["Smart economy"]),
        ("Bilbao", "Johannesburg", "just_started", "just started", ["Smart governance"]),
    ]
    assert section.programmes[0].url == advanced.get_absolute_url()
    assert (section.programmes[0].milestones_due, section.programmes[0].milestones_done) == (1, 1)


def test_events_of_the_year_with_dates_place_and_a_line(db):
    commission = CommissionFactory()
    made = build_year(commission, 1)
    Event.objects.create(
        commission=commission,
        slug="hidden",
        title="Hidden",
        starts_at=made["now"],
        ends_at=made["now"],
        role=Event.Role.ORGANISER,
        is_published=False,
    )
    [event] = facts(commission).events.events
    assert (
        event.title,
        event.starts_on,
        event.ends_on,
        event.city,
        event.venue,
        event.summary,
    ) == (
        "Conference 0",
        dt.date(2013, 3, 20),
        dt.date(2013, 3, 20),
        "Member 0",
        "Hangar 14",
        "A conference on digital industries 0.",
    )
    assert event.url == made["events"][0].get_absolute_url()


def test_publications_editions_compendiums_and_practices(db):
    commission = CommissionFactory()
    made = build_year(commission, 2)
    section = facts(commission).publications
    assert [
        (e.title, e.status, e.participant_count, [(x.rank, x.city) for x in e.leaders])
        for e in section.editions
    ] == [
        ("Smart Cities Study 2011", "published", 1, [(1, "Member 1")]),
        ("Smart Cities Study 2012", "published", 1, [(1, "Member 0")]),
    ]
    assert [(c.title, c.practice_count) for c in section.compendiums] == [
        ("Compendium 0", 1),
        ("Compendium 1", 1),
    ]
    assert section.practices_published == 2
    assert section.editions[1].url == made["editions"][0].get_absolute_url()


def test_an_edition_published_the_year_before_is_disseminated(db):
    commission = CommissionFactory()
    made = build_year(commission, 1)
    made["editions"][0].__class__.objects.filter(pk=made["editions"][0].pk).update(
        published_at=dt.datetime(2012, 11, 1, tzinfo=dt.UTC)
    )
    [edition] = facts(commission).publications.editions
    assert (edition.status, edition.published_on) == ("disseminated", dt.date(2012, 11, 1))
    assert facts(commission, 2014).publications.editions == []


def test_observatory_counts_and_top_topics(db):
    commission = CommissionFactory()
    build_year(commission, 3)
    section = facts(commission).observatory
    assert section.publications_added == 3
    assert [(t.name, t.count) for t in section.top_topics] == [("Open data", 3)]
    assert facts(commission, 2012).observatory.publications_added == 0


def test_communication_circulars_sent_and_news(db):
    commission = CommissionFactory()
    build_year(commission, 3)
    Circular.objects.create(commission=commission, subject="Draft", body="x")
    Circular.objects.create(
        commission=CommissionFactory(),
        subject="Theirs",
        body="x",
        status=Circular.Status.SENT,
        sent_at=dt.datetime(2013, 5, 1, tzinfo=dt.UTC),
        year=2013,
        number=1,
    )
    section = facts(commission).communication
    assert [(c.number, c.title, c.sent_on) for c in section.circulars] == [
        (1, "Circular 0", dt.date(2013, 2, 1)),
        (2, "Circular 1", dt.date(2013, 3, 1)),
        (3, "Circular 2", dt.date(2013, 4, 1)),
    ]
    assert section.news_count == 3


def test_meetings_with_participants_sessions_and_projects(db):
    commission = CommissionFactory()
    made = build_year(commission, 1)
    from tests.meetings.factories import MeetingFactory

    MeetingFactory(
        commission=commission,
        status=Meeting.Status.DRAFT,
        starts_on=dt.date(2013, 9, 1),
        ends_on=dt.date(2013, 9, 1),
    )
    [meeting] = facts(commission).meetings.meetings
    assert (meeting.title, meeting.axis_label, meeting.city, meeting.starts_on, meeting.method) == (
        "Working meeting 0",
        "Smart economy",
        "Member 0",
        dt.date(2013, 5, 31),
        "Mini BarCamp",
    )
    assert (meeting.participant_count, meeting.session_count) == (1, 1)
    assert [(p.title, p.cities, p.methodology) for p in meeting.projects] == [
        ("Project 0.0", ["Member 0"], "Online exchanges every 4 months."),
        ("Project 0.1", ["Member 0"], "Online exchanges every 4 months."),
    ]
    assert meeting.url == made["meetings"][0].get_absolute_url()


def test_next_meetings_are_those_planned_by_the_end_of_the_year(db):
    commission = CommissionFactory()
    build_year(commission, 1)
    from tests.meetings.factories import MeetingFactory

    later = MeetingFactory(
        commission=commission,
        title="Later",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 1, 1),
    )
    Meeting.objects.filter(pk=later.pk).update(created_at=dt.datetime(2013, 6, 1, tzinfo=dt.UTC))
    MeetingFactory(  # planned in 2014 only: not yet known at the end of 2013
        commission=commission, starts_on=dt.date(2014, 9, 1), ends_on=dt.date(2014, 9, 1)
    )
    section = facts(commission).planned
    assert [(p.title, p.axis_label, p.starts_on, p.is_next_year) for p in section.meetings] == [
        ("Planned meeting 0", "Smart governance", dt.date(2014, 5, 1), True),
        ("Later", "Smart economy", dt.date(2027, 1, 1), False),
    ]
    # At the end of 2014 the 2027 meeting is still to come; the 2014 ones are held.
    assert [p.title for p in facts(commission, 2014).planned.meetings] == ["Later"]


def test_another_commissions_work_never_appears(db):
    mine, theirs = CommissionFactory(), CommissionFactory()
    build_year(theirs, 2, tag="Theirs ")
    found = facts(mine)
    for name in found.sections:
        if name != "observatory":  # the observatory is the whole network's
            assert getattr(found, name).is_empty, name
