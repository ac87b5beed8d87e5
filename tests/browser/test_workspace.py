"""My space on the demo: the secretariat, a focal point and a member each find there every item
the registry yields for them, each with a link that answers; a few are checked by name."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from cityloom.core import workspace
from tests.browser.conftest import assert_accessible

PASSWORD = "cityloom-demo"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def _log_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def _named(person) -> list[str]:
    """Items the demo's stable facts must yield for `person`, as patterns of their labels."""
    from cityloom.meetings.models import Meeting
    from cityloom.network.models import MembershipRequest
    from cityloom.study.models import Edition, Questionnaire

    patterns = []
    if person.email.startswith("secretariat"):
        # The Guadalajara application waits for a decision.
        assert MembershipRequest.objects.filter(city__name="Guadalajara", status="pending")
        patterns.append(r"^\d+ membership requests? to decide$")
        if Edition.objects.filter(status=Edition.Status.OPEN).exists():
            patterns.append(r"^.+: close it and review the questionnaires$")
    governance = Meeting.objects.get(slug="smart-governance-2014").display_title
    if person.email == "focal.bilbao@cityloom.demo":
        # Registered for the 2014 meeting, open for proposals, with others' topics to vote on.
        patterns.append(rf"^\d+ topics? to vote on at {re.escape(governance)}$")
        if Questionnaire.objects.filter(
            city=person.city, edition__status=Edition.Status.OPEN, status="draft"
        ).exists():
            patterns.append(r"^The questionnaire of .+: \d+ of \d+ indicators answered$")
    if person.email == "member.bordeaux@cityloom.demo":
        patterns.append(rf"^Register for {re.escape(governance)}$")
    return patterns


@pytest.mark.parametrize(
    "email",
    ["secretariat@cityloom.demo", "focal.bilbao@cityloom.demo", "member.bordeaux@cityloom.demo"],
)
def test_my_space_shows_every_pending_item_with_a_working_link(page, demo, email):
    person = get_user_model().objects.select_related("city").get(email=email)
    with translation.override("en"):
        expected = workspace.pending(person)
        named = _named(person)
    assert expected, f"the demo has nothing waiting for {email}"

    _log_in(page, email)
    assert_accessible(page)
    space = page.locator("section.workspace")
    shown = [
        (link.inner_text().strip(), link.get_attribute("href"))
        for link in space.locator("li.work-item > a").all()
    ]
    assert shown == [(item.label, item.url) for item in expected]
    for pattern in named:
        assert any(re.search(pattern, label) for label, _url in shown), (pattern, shown)
    if email.startswith("secretariat"):
        assert "Guadalajara" in page.locator("section:has(#requests)").inner_text()
    if any(item.has_progress for item in expected):
        assert space.locator("progress").count() == sum(i.has_progress for i in expected)

    for _label, url in shown:
        response = page.request.get(url.split("#")[0])
        assert response.status == 200, url
    # Following the first item's link lands on a page that passes axe too.
    space.locator("li.work-item > a").first.click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def test_an_account_with_no_city_is_told_how_to_join(page, demo, live_server):
    newcomer = get_user_model().objects.create_user("newcomer@example.org", PASSWORD)
    # Signed in as open sign-up leaves it (the sign-up form itself is allauth's, tested there).
    client = Client()
    client.force_login(newcomer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/en/my/")
    assert_accessible(page)
    join = page.locator("section:has(#join)")
    assert "not linked to a city" in join.inner_text()
    assert "Nothing is waiting for you." in page.locator("section.workspace").inner_text()
    # The link that led such an account to a 404 now leads to its space.
    page.goto("/en/mentoring/")
    page.get_by_role("link", name="Join your city's team to take part in mentoring").click()
    page.wait_for_url(re.compile(r"/en/my/#join$"))
    page.goto("/en/mentoring/my/")
    page.wait_for_url(re.compile(r"/en/my/#join$"))
    join.get_by_role("link", name=re.compile("Apply for membership")).click()
    page.wait_for_url(re.compile(r"/en/membership/apply/"))
    assert_accessible(page)
