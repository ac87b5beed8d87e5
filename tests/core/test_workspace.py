"""My space: the registry finds each app's pending items; each app's items for the secretariat,
a focal point, a member and an account with no city; a neighbour never sees another city's
items; the number of queries does not grow with the items."""

import datetime as dt
import importlib.util
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cityloom.core import workspace
from cityloom.meetings.models import Meeting
from cityloom.mentoring.models import Health, MentoringRequest
from cityloom.observatory.models import Source
from cityloom.practices.models import LabelReview, Practice
from cityloom.study.models import Computation, Edition, Framework, Questionnaire, Value
from tests.factories import (
    CityFactory,
    CommissionFactory,
    InvitationFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)
from tests.meetings.factories import MeetingFactory, RegistrationFactory, TopicFactory, VoteFactory
from tests.mentoring.factories import MilestoneFactory, ProgrammeFactory, RequestFactory
from tests.practices.factories import PracticeFactory
from tests.study.factories import focal_point, make_edition, questionnaire, small_framework

APPS_WITH_WORK = ("network", "practices", "observatory", "study", "meetings", "mentoring")


def labels(user) -> list[str]:
    return [item.label for item in workspace.pending(user)]


@pytest.fixture
def commission(db):
    return CommissionFactory(slug="digital-cities", name="Digital Cities")


@pytest.fixture
def secretariat(commission):
    person = UserFactory(email="secretariat@example.org")
    commission.secretariat.add(person)
    return person


@pytest.fixture
def bilbao(commission):
    city = CityFactory(name="Bilbao")
    MembershipFactory(city=city, commission=commission)
    return city


@pytest.fixture
def bordeaux(commission):
    city = CityFactory(name="Bordeaux")
    MembershipFactory(city=city, commission=commission)
    return city


# The registry


def test_registry_finds_the_workspace_of_every_app_that_has_one():
    found = [provider.__module__ for provider in workspace.providers()]
    expected = [
        f"{config.name}.workspace"
        for config in apps.get_app_configs()
        if config.name.startswith("cityloom.")
        and config.name != "cityloom.core"
        and importlib.util.find_spec(f"{config.name}.workspace")
    ]
    assert found == expected  # in the order of INSTALLED_APPS
    assert {f"cityloom.{app}.workspace" for app in APPS_WITH_WORK} <= set(found)
    assert "cityloom.core.workspace" not in found
    assert workspace.providers() is workspace.providers()  # found once per process


def test_items_are_grouped_by_domain_in_the_order_of_the_apps():
    items = [
        workspace.Item("a", 1, "/a/", group="Study"),
        workspace.Item("b", 1, "/b/", group="Network"),
        workspace.Item("c", 1, "/c/", group="Study"),
    ]
    assert workspace.grouped(items) == [("Study", [items[0], items[2]]), ("Network", [items[1]])]


def test_an_anonymous_visitor_has_nothing_pending(db):
    from django.contrib.auth.models import AnonymousUser

    assert workspace.pending(AnonymousUser()) == []


def test_progress_of_an_item():
    item = workspace.Item("q", 4, "/q/", done=2, total=6)
    assert (item.has_progress, item.percent) == (True, 33)
    assert workspace.Item("x", 1, "/x/").has_progress is False


# The secretariat


def test_secretariat_sees_membership_requests_of_its_commissions_only(secretariat, commission):
    MembershipRequestFactory(commission=commission)
    MembershipRequestFactory(commission=commission, status="unconfirmed")  # not confirmed yet
    MembershipRequestFactory()  # another commission's
    [item] = workspace.pending(secretariat)
    assert (item.label, item.count, item.group) == ("1 membership request to decide", 1, "Network")
    assert item.url == reverse("network:dashboard") + "#requests"
    assert item.since is not None


def test_secretariat_sees_each_edition_with_its_next_step(secretariat, commission):
    edition = make_edition(commission, n_cities=2, status=Edition.Status.OPEN)
    first, second = edition.questionnaires.order_by("city__name")
    first.status, first.submitted_at = Questionnaire.Status.SUBMITTED, timezone.now()
    first.save()
    second.status = Questionnaire.Status.RETURNED
    second.save()
    indicator = edition.framework.nodes.indicators().first()
    Value.objects.create(
        questionnaire=second, indicator=indicator, number=3, review=Value.Review.RETURNED
    )
    Value.objects.create(questionnaire=first, indicator=indicator, number=4)  # not returned
    manage = reverse("study:edition-manage", args=[edition.pk])
    study = [i for i in workspace.pending(secretariat) if i.group == "Smart Cities Study"]
    assert [(i.label, i.count, i.url) for i in study] == [
        ("Smart Cities Study 2014: close it and review the questionnaires", 1, manage),
        ("1 questionnaire of Smart Cities Study 2014 waiting for review", 1, manage),
        (
            "1 value of Smart Cities Study 2014 returned to a city and not corrected yet",
            1,
            manage,
        ),
    ]


@pytest.mark.parametrize(
    ("status", "invited", "computation", "step"),
    [
        (Edition.Status.DRAFT, False, None, "invite the cities"),
        (Edition.Status.DRAFT, True, None, "open it for data collection"),
        (Edition.Status.REVIEW, True, None, "compute the results"),
        (Edition.Status.REVIEW, True, Computation.Status.FAILED, "compute the results"),
        (Edition.Status.REVIEW, True, Computation.Status.RUNNING, "the results are being computed"),
        (Edition.Status.REVIEW, True, Computation.Status.DONE, "publish the results"),
    ],
)
def test_next_step_of_an_edition(secretariat, commission, status, invited, computation, step):
    edition = make_edition(commission, n_cities=1 if invited else 0, status=status)
    if computation:
        Computation.objects.create(edition=edition, status=computation)
    assert labels(secretariat) == [f"Smart Cities Study 2014: {step}"]


def test_a_published_edition_asks_nothing(secretariat, commission):
    make_edition(commission, n_cities=1, status=Edition.Status.PUBLISHED)
    assert labels(secretariat) == []


def test_secretariat_sees_practices_waiting_for_a_label(secretariat, commission):
    waiting = PracticeFactory(commission=commission)
    PracticeFactory(commission=commission, is_labelled=True)
    reviewed = PracticeFactory(commission=commission)
    LabelReview.objects.create(
        practice=reviewed,
        reviewer=secretariat,
        relevance=3,
        evidence=3,
        transferability=3,
        comments="Not yet.",
        decision=LabelReview.Decision.DECLINED,
    )
    PracticeFactory(commission=commission, status=Practice.Status.DRAFT, published_at=None)
    PracticeFactory()  # another commission's
    [item] = workspace.pending(secretariat)
    assert (item.label, item.url) == (
        "1 published practice waiting for a label review",
        reverse("practices:label", args=[waiting.pk]),
    )


def test_secretariat_sees_grids_to_build_and_to_publish(secretariat, commission):
    closed = MeetingFactory(
        commission=commission,
        title="Closed",
        registration_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    TopicFactory(meeting=closed)
    built = MeetingFactory(commission=commission, title="Built", status=Meeting.Status.SCHEDULED)
    MeetingFactory(commission=commission, title="Still open")  # registration open
    MeetingFactory(title="Elsewhere", status=Meeting.Status.SCHEDULED)  # another commission
    meetings = [i for i in workspace.pending(secretariat) if i.group == "Meetings"]
    assert [(i.label, i.url) for i in meetings] == [
        (
            "Closed: registration is closed, build the grid (1 topic)",
            reverse("meetings:grid-manage", args=[closed.slug]),
        ),
        (
            "Built: the grid is built, publish it",
            reverse("meetings:grid-manage", args=[built.slug]),
        ),
    ]


def test_secretariat_sees_mentoring_requests_and_programmes_in_trouble(secretariat, commission):
    RequestFactory(commission=commission)
    RequestFactory(commission=commission, status=MentoringRequest.Status.WITHDRAWN)
    ProgrammeFactory(commission=commission, status=Health.AT_RISK)
    ProgrammeFactory(commission=commission, status=Health.LATE)
    ProgrammeFactory(commission=commission, status=Health.ON_TRACK)
    ProgrammeFactory(status=Health.LATE)  # another commission's
    assert [(i.label, i.url) for i in workspace.pending(secretariat)] == [
        ("1 mentoring request waiting for a mentor proposal", reverse("mentoring:dashboard")),
        ("2 mentoring programmes at risk or late", reverse("mentoring:dashboard")),
    ]


def test_secretariat_sees_feeds_in_error(secretariat):
    Source.objects.create(title="Broken", url="https://a.example/feed", error_count=2)
    Source.objects.create(title="Fine", url="https://b.example/feed")
    Source.objects.create(
        title="Unfollowed", url="https://c.example/feed", error_count=5, is_active=False
    )
    [item] = workspace.pending(secretariat)
    assert (item.label, item.url, item.group) == (
        "1 followed feed in error",
        reverse("observatory:source-list"),
        "Observatory",
    )


# A focal point, a member, a neighbour


@pytest.fixture
def bilbao_work(commission, bilbao, bordeaux):
    """Everything waiting for Bilbao's people, with a Bordeaux focal point next door."""
    edition = make_edition(commission, n_cities=0, status=Edition.Status.OPEN)
    edition.closes_on = dt.date(2030, 6, 30)
    edition.save()
    Questionnaire.objects.create(edition=edition, city=bilbao)
    Questionnaire.objects.create(edition=edition, city=bordeaux)
    q = questionnaire(edition, bilbao)
    for indicator in edition.framework.nodes.indicators()[:2]:
        Value.objects.create(questionnaire=q, indicator=indicator, number=1)
    InvitationFactory(city=bilbao)
    PracticeFactory(
        commission=commission, city=bilbao, status=Practice.Status.DRAFT, published_at=None
    )
    meeting = MeetingFactory(commission=commission, title="Smart governance 2014")
    mentor_request = RequestFactory(
        commission=commission,
        city=bordeaux,
        mentor=bilbao,
        status=MentoringRequest.Status.PROPOSED,
        proposed_at=timezone.now(),
    )
    programme = ProgrammeFactory(commission=commission, mentor=bilbao, mentee=CityFactory())
    MilestoneFactory(programme=programme, title="Needs assessment", due_on=dt.date(2030, 1, 1))
    MilestoneFactory(programme=programme, title="Plan", due_on=dt.date(2030, 6, 1))
    return {
        "edition": edition,
        "questionnaire": q,
        "meeting": meeting,
        "request": mentor_request,
        "programme": programme,
        "focal_point": focal_point(bilbao),
        "member": UserFactory(city=bilbao),
        "neighbour": focal_point(bordeaux),
    }


def test_focal_point_sees_the_city_work(bilbao_work):
    work = bilbao_work
    items = workspace.pending(work["focal_point"])
    assert [(i.group, i.label) for i in items] == [
        ("Network", "1 invitation waiting for an answer"),
        ("Good practices", "1 draft practice of your city to finish and publish"),
        (
            "Smart Cities Study",
            "The questionnaire of Smart Cities Study 2014: 2 of 6 indicators answered",
        ),
        ("Meetings", "Register for Smart governance 2014"),
        ("Mentoring", "1 proposal to mentor another city to answer"),
        (
            "Mentoring",
            "Programme Bilbao → "
            + work["programme"].mentee.name
            + ": next milestone “Needs assessment”",
        ),
    ]
    questionnaire_item = items[2]
    assert (questionnaire_item.count, questionnaire_item.done, questionnaire_item.total) == (
        4,
        2,
        6,
    )
    assert questionnaire_item.due == dt.date(2030, 6, 30)
    assert questionnaire_item.url == work["questionnaire"].get_absolute_url()
    assert items[3].url == work["meeting"].get_absolute_url()
    assert items[5].url == work["programme"].get_absolute_url()
    assert items[5].due == dt.date(2030, 1, 1)


def test_a_returned_questionnaire_asks_for_the_returned_values(bilbao_work):
    q = bilbao_work["questionnaire"]
    q.status = Questionnaire.Status.RETURNED
    q.save()
    q.values.update(review=Value.Review.RETURNED)
    [item] = [
        i for i in workspace.pending(bilbao_work["focal_point"]) if i.group == "Smart Cities Study"
    ]
    assert (item.label, item.count) == (
        "2 values of Smart Cities Study 2014 returned for correction",
        2,
    )


def test_a_submitted_questionnaire_is_no_longer_pending(bilbao_work):
    q = bilbao_work["questionnaire"]
    q.status = Questionnaire.Status.SUBMITTED
    q.save()
    assert "Smart Cities Study" not in [
        i.group for i in workspace.pending(bilbao_work["focal_point"])
    ]


def test_neighbour_focal_point_sees_none_of_another_city_items(bilbao_work):
    neighbour = labels(bilbao_work["neighbour"])
    assert neighbour == [
        "The questionnaire of Smart Cities Study 2014: 0 of 6 indicators answered",
        "Register for Smart governance 2014",
        "1 request for help of your city in progress",
    ]


def test_member_sees_what_they_follow_not_the_focal_point_work(bilbao_work):
    member = bilbao_work["member"]
    PracticeFactory(
        commission=bilbao_work["edition"].commission,
        city=member.city,
        status=Practice.Status.DRAFT,
        published_at=None,
        created_by=member,
    )
    programme = bilbao_work["programme"]
    assert labels(member) == [
        "1 draft practice of yours to finish",
        "Register for Smart governance 2014",
        f"Programme Bilbao → {programme.mentee.name}: next milestone “Needs assessment”",
    ]


def test_registered_participant_is_asked_to_vote_then_reminded(commission, bilbao):
    meeting = MeetingFactory(
        commission=commission,
        title="Smart governance 2014",
        starts_on=dt.date(2030, 6, 12),
        ends_on=dt.date(2030, 6, 12),
    )
    person = UserFactory(city=bilbao)
    RegistrationFactory(meeting=meeting, person=person)
    voted, mine = TopicFactory(meeting=meeting), TopicFactory(meeting=meeting, proposer=person)
    TopicFactory(meeting=meeting)
    TopicFactory(meeting=meeting)
    VoteFactory(topic=voted, person=person)
    VoteFactory(topic=mine, person=UserFactory())
    [item] = workspace.pending(person)
    assert (item.label, item.count, item.url) == (
        "2 topics to vote on at Smart governance 2014",
        2,
        reverse("meetings:proposals", args=[meeting.slug]),
    )
    meeting.status = Meeting.Status.SCHEDULED  # votes closed
    meeting.save()
    [item] = workspace.pending(person)
    assert (item.label, item.url, item.due) == (
        "You are registered for Smart governance 2014",
        meeting.get_absolute_url(),
        dt.date(2030, 6, 12),
    )
    meeting.starts_on = meeting.ends_on = dt.date(2013, 5, 31)  # over: nothing left to do
    meeting.save()
    assert labels(person) == []


def test_an_account_with_no_city_has_nothing_pending_and_is_told_how_to_join(client, db):
    person = UserFactory()
    assert workspace.pending(person) == []
    client.force_login(person)
    body = client.get(reverse("network:dashboard")).content.decode()
    assert "Nothing is waiting for you." in body
    assert "Join your city's team" in body
    assert f'href="{reverse("network:apply")}"' in body
    assert f'href="{reverse("network:directory")}"' in body
    assert reverse("mentoring:my") not in body  # it has no city's mentoring to show


def test_city_mentoring_leads_an_account_with_no_city_to_its_space(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("mentoring:my"))
    assert response.status_code == 302
    assert response.url == reverse("network:dashboard") + "#join"
    body = client.get(reverse("mentoring:programme-list")).content.decode()
    assert reverse("network:dashboard") + "#join" in body
    assert f'href="{reverse("mentoring:my")}"' not in body


def test_my_space_lists_items_with_count_age_and_progress(client, bilbao_work):
    client.force_login(bilbao_work["focal_point"])
    body = client.get(reverse("network:dashboard")).content.decode()
    assert "Waiting for you" in body
    assert "2 of 6 indicators answered" in body
    assert re.search(r'<progress max="6"\s+value="2"', body)
    assert "waiting for" in body
    assert f'href="{bilbao_work["questionnaire"].get_absolute_url()}"' in body


def test_nothing_pending_offers_what_to_start(client, bilbao):
    client.force_login(focal_point(bilbao))
    body = client.get(reverse("network:dashboard")).content.decode()
    assert "Nothing is waiting for you." in body
    assert f'href="{reverse("practices:create")}"' in body
    assert f'href="{reverse("meetings:meeting-list")}"' in body


# Queries


def _lots_of_work(commission, bilbao, n, start=0):
    """`n` of every kind of pending thing for the secretariat and Bilbao's focal point."""
    framework = Framework.objects.filter(slug="small-test").first() or small_framework()
    for i in range(start, start + n):
        MembershipRequestFactory(commission=commission)
        edition = make_edition(commission, n_cities=0, year=2000 + i, framework=framework)
        Questionnaire.objects.create(edition=edition, city=bilbao)
        MeetingFactory(commission=commission)
        MeetingFactory(commission=commission, status=Meeting.Status.SCHEDULED)
        PracticeFactory(commission=commission)
        PracticeFactory(
            commission=commission, city=bilbao, status=Practice.Status.DRAFT, published_at=None
        )
        RequestFactory(commission=commission)
        InvitationFactory(city=bilbao)
        programme = ProgrammeFactory(commission=commission, mentor=bilbao, status=Health.LATE)
        MilestoneFactory(programme=programme)
        Source.objects.create(title=f"Feed {i}", url=f"https://{i}.example/feed", error_count=1)


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.mark.parametrize("who", ["secretariat", "focal point"])
def test_items_take_the_same_queries_at_one_and_three_of_each(secretariat, commission, bilbao, who):
    # Other apps add their own items to the registry: the number is compared, not written down.
    person = secretariat if who == "secretariat" else focal_point(bilbao)
    User = type(person)
    _lots_of_work(commission, bilbao, 1)
    fresh = User.objects.get(pk=person.pk)
    at_one = _queries(lambda: workspace.pending(fresh))
    items_at_one = len(workspace.pending(fresh))
    _lots_of_work(commission, bilbao, 2, start=1)
    fresh = User.objects.get(pk=person.pk)
    assert _queries(lambda: workspace.pending(fresh)) == at_one
    assert len(workspace.pending(fresh)) > items_at_one


def test_my_space_page_takes_the_same_queries_at_one_and_three_of_each(
    client, secretariat, commission, bilbao
):
    _lots_of_work(commission, bilbao, 1)
    client.force_login(secretariat)
    url = reverse("network:dashboard")
    at_one = _queries(lambda: client.get(url))
    _lots_of_work(commission, bilbao, 2, start=1)
    assert _queries(lambda: client.get(url)) == at_one
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["workspace"]) >= 5  # network, practices, observatory, ...


def test_a_meeting_tells_an_account_with_no_city_how_to_join(client, commission):
    meeting = MeetingFactory(commission=commission)
    client.force_login(UserFactory())
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Registration is for the people of the commission" in body
    assert reverse("network:dashboard") + "#join" in body
