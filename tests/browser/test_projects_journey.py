"""Pau asks to join the first project of the Bordeaux meeting, the secretariat accepts and both
cities are e-mailed; the project's timeline shows the 4-monthly exchanges and the compendium
due 18 months after the start."""

import datetime as dt
import re

import pytest

from cityloom.projects import services
from cityloom.projects.models import ProjectCity
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "secret-pass-123"
TITLE = "How can cities join traditional industries with new technologies?"


@pytest.fixture
def network(transactional_db):
    commission = CommissionFactory(slug="digital-cities", name="Commission on Digital Cities")
    secretariat = UserFactory(email="secretariat@example.org", language="en")
    commission.secretariat.add(secretariat)
    cities = {}
    for i, (name, zone, language) in enumerate(
        [
            ("Bordeaux", "Europe/Paris", "fr"),
            ("Bilbao", "Europe/Madrid", "es"),
            ("Poitiers", "Europe/Paris", "fr"),
            ("Pau", "Europe/Paris", "fr"),
        ]
    ):
        cities[name] = CityFactory(name=name, geonames_id=7_300_000 + i, timezone=zone)
        MembershipFactory(city=cities[name], commission=commission)
        UserFactory(
            email=f"focal.{name.lower()}@example.org",
            name=f"Focal point of {name}",
            city=cities[name],
            role="focal_point",
            language=language,
        )
    project = services.create_project(
        by=secretariat,
        commission=commission,
        title=TITLE,
        axis="economy",
        lead_city=cities["Bordeaux"],
        status="active",
        starts_on=dt.date(2013, 5, 31),
    )
    for name in ("Poitiers", "Bilbao"):
        ProjectCity.objects.create(
            project=project, city=cities[name], role="participant", joined_on=dt.date(2013, 5, 31)
        )
    services.add_activity(
        project,
        by=secretariat,
        title="Online exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=5,
        time_zone="Europe/Paris",
    )
    services.add_deliverable(
        project,
        by=secretariat,
        title="Online compendium of good practices",
        due_months=18,
        owner_city=cities["Bordeaux"],
    )
    return project


def _log_in(page, email):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def _visit(page, path):
    page.goto(path)
    assert_accessible(page)


def test_pau_joins_the_first_project(page, network, smtp):
    project = network
    # Pau's focal point asks to join.
    _log_in(page, "focal.pau@example.org")
    _visit(page, "/en/projects/")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/en/projects/{project.pk}/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Ask to join for my city").click()
    assert_accessible(page)
    page.fill("textarea[name=message]", "Pau runs business meetings with traditional firms.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)

    # The secretariat sees who will be e-mailed, then accepts.
    _log_in(page, "secretariat@example.org")
    _visit(page, "/en/projects/requests/")
    page.get_by_role("link", name=f"Pau asks to join “{TITLE}”").click()
    assert_accessible(page)
    recipients = page.locator("#recipients").inner_text()
    assert "focal.pau@example.org" in recipients
    assert "focal.bordeaux@example.org" in recipients
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Confirm the decision").click()
    page.wait_for_url(re.compile(rf"/en/projects/{project.pk}/$"))
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    assert "Pau — participant" in page.locator(
        "section[aria-labelledby=cities]"
    ).inner_text().replace("\n", " ")

    # Both cities are e-mailed, each about the other.
    to_pau = [m for m in smtp.messages if m["To"] == "focal.pau@example.org"]
    to_bordeaux = [m for m in smtp.messages if m["To"] == "focal.bordeaux@example.org"]
    assert len(to_pau) == 1
    assert len(to_bordeaux) == 1
    assert "focal.bordeaux@example.org" in to_pau[0].get_payload(decode=True).decode()
    assert "focal.pau@example.org" in to_bordeaux[0].get_payload(decode=True).decode()

    # The timeline: five exchanges every 4 months from September 2013, the compendium at 18 months.
    exchanges = page.locator("#past li[id^=occurrence-] time").all_inner_texts()
    assert [e.split(",")[0] for e in exchanges] == [
        "Sept. 16",
        "Jan. 16",
        "May 16",
        "Sept. 16",
        "Jan. 16",
    ]
    deliverables = page.locator("#deliverables").inner_text()
    assert "Online compendium of good practices" in deliverables
    assert "due within 18 months of the start (Nov. 30, 2014)" in deliverables
