"""Johannesburg asks for help on mobility, the secretariat pairs it with Bilbao, Bilbao accepts,
the programme runs, a monitoring report marks it at risk and the dashboard shows it."""

import re

import pytest

from cityloom.mentoring.models import MentoringRequest, Programme
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory
from tests.mentoring.factories import focal_point, publish_results
from tests.practices.factories import PracticeFactory

PASSWORD = "secret-pass-123"


@pytest.fixture
def network(transactional_db):
    commission = CommissionFactory(
        slug="digital-cities", name="Commission on Digital Cities and Knowledge"
    )
    cities = {}
    for i, (name, country, region, population, languages) in enumerate(
        [
            ("Bilbao", "ES", "europe", 345_000, ["es", "eu", "en"]),
            ("Bordeaux", "FR", "europe", 260_000, ["fr"]),
            ("Johannesburg", "ZA", "africa", 4_400_000, ["en", "zu", "af"]),
            ("Poitiers", "FR", "europe", 88_000, ["fr"]),
        ]
    ):
        cities[name] = CityFactory(
            name=name,
            geonames_id=7_200_000 + i,
            country_code=country,
            country_name=country,
            region=region,
            population=population,
            languages=languages,
        )
        MembershipFactory(city=cities[name], commission=commission)
        focal_point(cities[name], email=f"focal.{name.lower()}@example.org", language="en")
    publish_results(
        commission,
        {
            cities["Bilbao"]: {"ECO": (61.0, 2), "MOB": (78.2, 2)},
            cities["Bordeaux"]: {"ECO": (70.0, 1), "MOB": (81.5, 1)},
            cities["Poitiers"]: {"ECO": (40.0, 4), "MOB": (20.0, 4)},
            cities["Johannesburg"]: {"ECO": (50.0, 3), "MOB": (30.0, 3)},
        },
    )
    PracticeFactory(
        commission=commission,
        city=cities["Bilbao"],
        axis="mobility",
        title="Barik card",
        summary="Integrated ticketing: one contactless card for metro, bus and tram.",
    )
    secretariat = UserFactory(email="secretariat@example.org", language="en")
    commission.secretariat.add(secretariat)
    return cities


def _log_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/en/$"))


def _visit(page, path):
    page.goto(path)
    assert_accessible(page)


def test_mentoring_journey(page, network):
    # Johannesburg's focal point asks for help on mobility.
    _log_in(page, "focal.johannesburg@example.org")
    _visit(page, "/en/mentoring/my/")
    page.get_by_role("link", name="Request help from another city").click()
    assert_accessible(page)
    page.get_by_label("Smart mobility").check()
    page.fill("input[name=topics]", "ticketing, bus rapid transit")
    page.fill("textarea[name=need]", "We need integrated ticketing for buses, metro and trains.")
    page.get_by_label("English").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/en/mentoring/requests/\d+/$"))
    assert_accessible(page)
    suggestions = page.locator("#main ol.cards > li h3").all_inner_texts()
    assert [s.split(" suitability")[0] for s in suggestions] == [
        "1. Bilbao",
        "2. Bordeaux",
        "3. Poitiers",
    ]
    bilbao = page.locator(f"#suggestion-{network['Bilbao'].pk}").inner_text()
    assert "Score 78.2 on Smart mobility, rank 2 of 4 (Smart Cities Study 2014)." in bilbao
    assert "Published practice “Barik card” is close to the need" in bilbao
    assert "Shared working languages: English." in bilbao
    request_url = page.url
    _log_out(page)

    # The secretariat confirms Bilbao.
    _log_in(page, "secretariat@example.org")
    _visit(page, request_url)
    page.get_by_role("button", name="Propose Bilbao").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    assert MentoringRequest.objects.get().mentor == network["Bilbao"]
    _log_out(page)

    # Bilbao accepts.
    _log_in(page, "focal.bilbao@example.org")
    _visit(page, "/en/mentoring/my/")
    page.get_by_role("link", name="Johannesburg asks for your help").click()
    assert_accessible(page)
    page.get_by_label("Accept").check()
    page.fill("textarea[name=message]", "Welcome: let us start with the needs assessment.")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(re.compile(r"/en/mentoring/programmes/\d+/$"))
    assert_accessible(page)
    programme_url = page.url

    # The programme runs: an objective on the Study's mobility score, a milestone, a report.
    objective = page.locator("form[action$='/objectives/']")
    objective.get_by_label("Objective").fill("Raise the smart mobility score")
    objective.get_by_label("Study code").fill("MOB")
    objective.get_by_label("Target").fill("45")
    objective.get_by_role("button", name="Add the objective").click()
    page.wait_for_selector(".messages .success")
    assert "30.0 (2014)" in page.locator("main").inner_text()
    milestone = page.locator("form[action$='/milestones/']")
    milestone.get_by_label("Milestone").fill("Ticketing workshop in Bilbao")
    milestone.get_by_label("Stage").select_option("visits")
    milestone.get_by_label("Due on").fill("2030-04-15")
    milestone.get_by_role("button", name="Add the milestone").click()
    page.wait_for_selector(".messages .success")
    page.get_by_role("button", name="Mark “Needs assessment” done").click()
    page.wait_for_selector(".messages .success")
    report = page.locator("form[action$='/reports/']")
    report.get_by_label("at risk").check()
    report.get_by_label("Report").fill("The workshop depends on a budget vote.")
    report.get_by_role("button", name="File the report").click()
    page.wait_for_selector(".messages .success")
    assert page.locator("#programme-status").inner_text() == "at risk"
    assert_accessible(page)
    programme = Programme.objects.get()
    assert (programme.status, programme.stage) == ("at_risk", "plan")
    _log_out(page)

    # The secretariat's dashboard shows it at risk.
    _log_in(page, "secretariat@example.org")
    _visit(page, "/en/mentoring/dashboard/")
    row = page.locator("tr", has_text="Johannesburg")
    assert "at risk" in row.inner_text()
    assert "Plan" in row.inner_text()
    _log_out(page)

    # A third city sees the public facts, not the reports or the objectives.
    _log_in(page, "focal.bordeaux@example.org")
    _visit(page, programme_url)
    main = page.locator("main").inner_text()
    assert "Bilbao mentors Johannesburg" in main
    assert "budget vote" not in main
    assert "Raise the smart mobility score" not in main
    _visit(page, "/en/mentoring/")
    _visit(page, f"/en/mentoring/cities/{network['Bilbao'].geonames_id}/")
