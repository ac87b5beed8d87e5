"""The secretariat writes a circular in three languages, previews it and sends it: the loopback
SMTP server receives one message per member, in their language. A member registers for an event
in Bilbao and its .ics says Bilbao's time."""

import collections
import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from cityloom.communications.models import Event
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

PASSWORD = "secret-pass-123"  # UserFactory's
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
MEMBERS = {
    "jon@bilbao.example": "es",
    "claire@bordeaux.example": "fr",
    "luc@bordeaux.example": "fr",
    "ana@lisbon.example": "en",
}
SUBJECTS = {"en": "The 2014 meeting", "fr": "La réunion de 2014", "es": "La reunión de 2014"}


@pytest.fixture
def network(transactional_db):
    commission = CommissionFactory(
        slug="digital-cities", name="Commission on Digital Cities and Knowledge"
    )
    secretariat = UserFactory(email="secretariat@example.org", name="Secretariat")
    commission.secretariat.add(secretariat)
    cities = {
        "Bilbao": CityFactory(name="Bilbao", timezone="Europe/Madrid"),
        "Bordeaux": CityFactory(name="Bordeaux", timezone="Europe/Paris"),
        "Lisbon": CityFactory(name="Lisbon", timezone="Europe/Lisbon"),
    }
    for city in cities.values():
        MembershipFactory(city=city, commission=commission)
    for email, language in MEMBERS.items():
        city = {"bilbao": "Bilbao", "bordeaux": "Bordeaux", "lisbon": "Lisbon"}[
            email.split("@")[1].split(".")[0]
        ]
        UserFactory(
            email=email, name=email.split("@")[0].title(), city=cities[city], language=language
        )
    UserFactory(email="nobody@elsewhere.example", city=CityFactory(name="Quito"))
    # Next year's summit in Bilbao, 9:30 at Bilbao's time.
    year = timezone.now().year + 1
    Event.objects.create(
        commission=commission,
        slug="summit",
        title="World Cities Summit Mayors Forum",
        starts_at=dt.datetime(year, 6, 13, 9, 30, tzinfo=MADRID),
        ends_at=dt.datetime(year, 6, 15, 18, 0, tzinfo=MADRID),
        city=cities["Bilbao"],
        venue="Palacio Euskalduna",
        role=Event.Role.PARTNER,
        capacity=60,
    )
    return commission


def _log_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def test_circular_sent_to_each_member_in_their_language_and_event_ics(page, network, smtp):
    _log_in(page, "secretariat@example.org")
    page.goto("/en/circulars/new/")
    assert_accessible(page)
    page.fill("input[name=subject]", SUBJECTS["en"])
    page.fill("textarea[name=body]", "Save the date: **12 June 2014**, in Bilbao.")
    page.fill("input[name=subject_fr]", SUBJECTS["fr"])
    page.fill("textarea[name=body_fr]", "Réservez la date : **12 juin 2014**, à Bilbao.")
    page.fill("input[name=subject_es]", SUBJECTS["es"])
    page.fill("textarea[name=body_es]", "Reserve la fecha: **12 de junio de 2014**, en Bilbao.")
    page.select_option("select[name=audience]", "members")
    page.get_by_role("button", name="Save the draft and preview").click()
    page.wait_for_url(re.compile(r"/preview/$"))
    assert_accessible(page)
    page.get_by_text("4 people will receive this circular.").wait_for()
    page.get_by_role("heading", name=SUBJECTS["es"]).wait_for()
    assert page.locator("strong", has_text="12 juin 2014").count() == 1
    assert page.get_by_text("nobody@elsewhere.example").count() == 0
    page.get_by_label("I have read the preview: send the circular now.").check()
    page.get_by_role("button", name="Send to 4 people").click()
    page.wait_for_url(re.compile(r"/deliveries/$"))
    page.get_by_text("4 sent, 0 failed, 0 waiting, of 4.").wait_for()
    assert_accessible(page)

    received = collections.Counter(str(m["To"]) for m in smtp.messages)
    assert received == collections.Counter(list(MEMBERS))
    year = timezone.now().year
    for message in smtp.messages:
        language = MEMBERS[str(message["To"])]
        assert str(message["Subject"]).endswith(f" 1/{year}: {SUBJECTS[language]}")

    # The archive is public, and every page advertises its feed.
    page.get_by_role("button", name="Log out").click()
    page.goto("/en/circulars/")
    assert_accessible(page)
    assert page.locator("head link[type='application/rss+xml']").count() >= 1

    _log_in(page, "jon@bilbao.example")
    page.goto("/en/events/summit/")
    assert_accessible(page)
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.", exact=True).wait_for()
    ics = page.request.get(page.url.rstrip("/") + "/event.ics")
    [event] = icalendar.Calendar.from_ical(ics.body()).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Madrid"
    assert (start.hour, start.minute) == (9, 30)
    confirmation = [m for m in smtp.messages if str(m["To"]) == "jon@bilbao.example"]
    assert len(confirmation) == 2  # the circular, then the registration
