"""A keyboard user on a meeting's topics page keeps their place: the 5 s refresh and a vote
morph the list in place, so the focused vote button stays focused, even when its card moves up;
the topic count is a polite live region that changes only when the count does."""

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory
from tests.meetings.factories import MeetingFactory, RegistrationFactory, TopicFactory, VoteFactory

PASSWORD = "secret-pass-123"  # UserFactory's
LIVE = re.compile(r"/meetings/bordeaux-2013/topics/live/$")
VOTE = re.compile(r"/meetings/bordeaux-2013/topics/\d+/vote/$")


@pytest.fixture
def meeting(transactional_db):
    commission = CommissionFactory(slug="digital-cities")
    cities = {name: CityFactory(name=name) for name in ("Poitiers", "Bilbao", "Pau", "Lyon")}
    for city in cities.values():
        MembershipFactory(city=city, commission=commission)
    meeting = MeetingFactory(commission=commission, slug="bordeaux-2013")
    people = {
        name: UserFactory(email=f"{name.lower()}@example.org", city=city)
        for name, city in cities.items()
    }
    for person in people.values():
        RegistrationFactory(meeting=meeting, person=person)
    spaces = TopicFactory(meeting=meeting, title="Business spaces", proposer=people["Bilbao"])
    cloud = TopicFactory(meeting=meeting, title="Cloud productivity", proposer=people["Pau"])
    for topic, person in ((spaces, "Bilbao"), (spaces, "Pau"), (cloud, "Pau")):
        VoteFactory(topic=topic, person=people[person])
    meeting.people = people
    meeting.cloud = cloud
    return meeting


def _active(page) -> dict:
    return page.evaluate(
        """() => ({
            marked: document.activeElement.cityloomTestMark === 'mine',
            tag: document.activeElement.tagName,
            text: document.activeElement.textContent.trim(),
            pressed: document.activeElement.getAttribute('aria-pressed'),
        })"""
    )


def test_focus_survives_refresh_and_vote(page, meeting):
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", "poitiers@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))

    polls = []
    page.on(
        "request", lambda request: polls.append(request.url) if LIVE.search(request.url) else None
    )
    page.goto("/en/meetings/bordeaux-2013/topics/")
    count = page.locator("#proposals-count")
    assert count.get_attribute("role") == "status"  # polite by definition
    assert count.inner_text() == "2 topics proposed."

    # The keyboard user reaches the second card's vote button. It gets a JavaScript property
    # (the morph syncs attributes, not properties), so the test knows later that the very same
    # element, not a look-alike, still has the focus.
    button = page.get_by_role("button", name="Vote for “Cloud productivity”")
    button.focus()
    button.evaluate("b => { b.cityloomTestMark = 'mine'; }")

    # Meanwhile others vote for it (it moves up to the first card) and propose a topic.
    VoteFactory(topic=meeting.cloud, person=meeting.people["Bilbao"])
    VoteFactory(topic=meeting.cloud, person=meeting.people["Lyon"])
    TopicFactory(meeting=meeting, title="Open data", proposer=meeting.people["Lyon"])
    with page.expect_response(LIVE, timeout=8_000):
        pass
    page.wait_for_function(
        "() => document.querySelector('#proposals-count').textContent.includes('3 topics')"
    )
    first = page.locator("#proposals li.card").first
    assert first.locator("h2").inner_text() == "Cloud productivity"
    assert "3 votes" in first.inner_text()
    assert _active(page) == {
        "marked": True,
        "tag": "BUTTON",
        "text": "Vote for “Cloud productivity”",
        "pressed": None,
    }

    # A refresh with nothing new changes nothing, and focus stays.
    with page.expect_response(LIVE, timeout=8_000):
        pass
    assert _active(page)["marked"] is True

    # The vote, from the keyboard.
    with page.expect_response(VOTE):
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-pressed') === 'true'")
    assert _active(page) == {
        "marked": True,
        "tag": "BUTTON",
        "text": "Remove my vote for “Cloud productivity”",
        "pressed": "true",
    }
    assert "4 votes" in page.locator("#proposals li.card").first.inner_text()
    # The morph kept one polling loop: about one request per 5 s, not one more per refresh.
    started = len(polls)
    page.wait_for_timeout(11_000)
    assert len(polls) - started <= 3
    assert _active(page)["marked"] is True
    assert_accessible(page)
