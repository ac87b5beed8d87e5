"""Participants propose and vote; the secretariat builds, pins, re-optimises and publishes the grid;
a session identifies a project with its voters' cities; the report renders in Spanish."""

import datetime as dt
import re

import pytest

from cityloom.meetings.models import Meeting, Topic
from cityloom.projects.models import Project
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory
from tests.meetings.factories import (
    PARIS,
    MeetingFactory,
    RegistrationFactory,
    RoomFactory,
    SlotFactory,
    TopicFactory,
    VoteFactory,
)

PASSWORD = "secret-pass-123"  # UserFactory's


@pytest.fixture
def meeting(transactional_db):
    commission = CommissionFactory(
        slug="digital-cities", name="Commission on Digital Cities and Knowledge"
    )
    secretariat = UserFactory(email="secretariat@example.org", name="Secretariat")
    commission.secretariat.add(secretariat)
    cities = {name: CityFactory(name=name) for name in ("Bordeaux", "Poitiers", "Bilbao", "Pau")}
    for city in cities.values():
        MembershipFactory(city=city, commission=commission)
    meeting = MeetingFactory(
        commission=commission,
        slug="bordeaux-2013",
        title="Smart economy working meeting",
        title_es="Reunión de trabajo sobre economía inteligente",
        host_city=cities["Bordeaux"],
    )
    RoomFactory(meeting=meeting, name="Salle Mably", capacity=10, position=0)
    RoomFactory(meeting=meeting, name="Salon d'honneur", capacity=3, position=1)
    for hour in (10, 11):
        start = dt.datetime(2013, 5, 31, hour, tzinfo=PARIS)
        SlotFactory(meeting=meeting, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    UserFactory(email="claire@bordeaux.example", name="Claire", city=cities["Bordeaux"])
    poitiers = UserFactory(email="paul@poitiers.example", name="Paul", city=cities["Poitiers"])
    RegistrationFactory(meeting=meeting, person=poitiers)
    # Two colleagues already proposed and voted.
    bilbao = UserFactory(email="jon@bilbao.example", city=cities["Bilbao"])
    pau = UserFactory(email="marie@pau.example", city=cities["Pau"])
    for person in (bilbao, pau):
        RegistrationFactory(meeting=meeting, person=person)
    spaces = TopicFactory(meeting=meeting, title="Business spaces", proposer=bilbao)
    cloud = TopicFactory(meeting=meeting, title="Cloud productivity", proposer=pau)
    for topic, person in ((spaces, bilbao), (spaces, pau), (cloud, pau)):
        VoteFactory(topic=topic, person=person)
    return meeting


def _log_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/en/"))


def _propose_and_vote(page, title, votes):
    page.goto("/en/meetings/bordeaux-2013/topics/")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", f"{title}: what our cities do.")
    page.select_option("select[name=language]", "fr")
    page.get_by_role("button", name="Propose", exact=True).click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    for voted in votes:
        page.get_by_role("button", name=f"Vote for “{voted}”").click()
        page.get_by_role("button", name=f"Remove my vote for “{voted}”").wait_for()
    # htmx swapped the list in place: the page was not reloaded.
    assert page.evaluate("window.notReloaded") is True


def test_meetings_journey(page, meeting):
    # A member of Bordeaux registers, proposes a topic and votes.
    _log_in(page, "claire@bordeaux.example")
    page.goto("/en/meetings/")
    assert_accessible(page)
    page.get_by_role("link", name="Smart economy working meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Register").click()
    page.wait_for_selector(".messages .success")
    assert "You are registered." in page.locator(".messages").inner_text()
    _propose_and_vote(page, "E-commerce", ["E-commerce"])
    # A proposal made meanwhile by someone else shows up without reloading (polled every 5 s).
    TopicFactory(meeting=meeting, title="3D tools", proposer=meeting.topics.first().proposer)
    page.get_by_role("heading", name="3D tools").wait_for(timeout=8000)
    assert page.evaluate("window.notReloaded") is True
    _log_out(page)

    # A member of Poitiers proposes another topic and votes for both.
    _log_in(page, "paul@poitiers.example")
    _propose_and_vote(page, "Data mining", ["E-commerce", "Data mining"])
    _log_out(page)

    # The secretariat builds the grid, pins a session, re-optimises, publishes.
    _log_in(page, "secretariat@example.org")
    page.goto("/en/meetings/bordeaux-2013/grid/manage/")
    assert_accessible(page)
    page.get_by_role("button", name="Build the grid", exact=True).click()
    page.wait_for_selector(".messages .success")
    assert "The grid is ready." in page.locator(".messages").inner_text()
    assert Topic.objects.filter(meeting=meeting, room__isnull=False).count() == 4  # of 5, 4 cells
    assert_accessible(page)
    page.get_by_role("button", name="Pin “E-commerce”").click()
    page.wait_for_selector(".messages .success")
    pinned = Topic.objects.get(title="E-commerce")
    assert pinned.is_pinned
    page.get_by_role("button", name="Re-optimise around the pins").click()
    page.wait_for_selector(".messages .success")
    after = Topic.objects.get(pk=pinned.pk)
    assert (after.room_id, after.slot_id) == (pinned.room_id, pinned.slot_id)
    assert Meeting.objects.get(pk=meeting.pk).grid_report["mode"] == "reoptimise"
    page.get_by_role("button", name="Publish the grid").click()
    assert "registered participants are e-mailed" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, publish the grid").click()
    page.wait_for_url(re.compile(r"/en/meetings/bordeaux-2013/grid/$"))
    assert_accessible(page)
    assert page.locator("table.grid").get_by_role("link", name="E-commerce").is_visible()
    page.goto("/en/meetings/bordeaux-2013/grid/print/")
    assert_accessible(page)

    # The E-commerce session identifies a project: its voters are from Bordeaux and Poitiers.
    page.goto("/en/meetings/bordeaux-2013/grid/")
    page.locator("table.grid").get_by_role("link", name="E-commerce").click()
    assert_accessible(page)
    page.fill(
        "textarea[name=experiences]", "Bordeaux's meetings between traditional and digital firms."
    )
    page.get_by_role("button", name="Save the outcome").click()
    page.wait_for_selector(".messages .success")
    page.fill(
        "textarea[name=description]", "Online exchanges every 4 months; a compendium in 18 months."
    )
    page.get_by_role("button", name="Identify the project").click()
    page.wait_for_selector(".messages .success")
    assert "Bordeaux, Poitiers" in page.locator(".messages").inner_text()
    assert_accessible(page)
    project = Project.objects.get()
    assert (project.title, project.axis) == ("E-commerce", "economy")
    assert sorted(project.cities.values_list("name", flat=True)) == ["Bordeaux", "Poitiers"]

    # The meeting report, in Spanish.
    page.goto("/es/meetings/bordeaux-2013/report/")
    assert (
        "Informe — Reunión de trabajo sobre economía inteligente" in page.locator("h1").inner_text()
    )
    assert "Proyecto 1: E-commerce" in page.locator("main").inner_text()
    assert_accessible(page)
