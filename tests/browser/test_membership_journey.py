"""Apply in any language, confirm by the mailed link, the secretariat approves, the new focal
point creates their account from the approval link and sees their city."""

import re

import pytest

from cityloom.network.models import City, Membership
from cityloom.network.services import import_geonames_cities
from tests.browser.conftest import assert_accessible
from tests.factories import CommissionFactory, MembershipFactory, UserFactory

POITIERS, ALCORCON, LAPPEENRANTA, BILBAO = 2986495, 3130564, 648900, 3128026

JOURNEYS = {
    # language: (city typed, GeoNames id, texts the pages must show in that language)
    "en": (
        "Lappeenranta",
        LAPPEENRANTA,
        {
            "apply": "Send the request",
            "done": "Thank you",
            "approve": "Approve Lappeenranta",
            "focal": "You are the focal point of Lappeenranta.",
        },
    ),
    "fr": (
        "Poitiers",
        POITIERS,
        {
            "apply": "Envoyer la demande",
            "done": "Merci",
            "approve": "Approuver Poitiers",
            "focal": "Vous êtes le point focal de Poitiers.",
        },
    ),
    "es": (
        "alcorcon",
        ALCORCON,
        {
            "apply": "Enviar la solicitud",
            "done": "Gracias",
            "approve": "Aprobar Alcorcón",
            "focal": "Usted es el punto focal de Alcorcón.",
        },
    ),
}


@pytest.fixture
def network(transactional_db):
    import_geonames_cities(geonames_ids=[POITIERS, ALCORCON, LAPPEENRANTA, BILBAO])
    commission = CommissionFactory(
        slug="digital-cities", name="Commission on Digital Cities and Knowledge"
    )
    MembershipFactory(commission=commission, city=City.objects.get(geonames_id=BILBAO))
    secretariat = UserFactory(email="secretariat@example.org", language="en")
    commission.secretariat.add(secretariat)
    return commission


def _log_in(page, language, email, password):
    page.goto(f"/{language}/accounts/login/")
    assert_accessible(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/my/$"))


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_membership_journey(page, network, smtp, language):
    typed, geonames_id, texts = JOURNEYS[language]

    page.goto(f"/{language}/")
    assert_accessible(page)
    page.goto(f"/{language}/membership/apply/")
    assert_accessible(page)
    page.fill("#city-query", typed)
    page.locator(f"#city-{geonames_id}").check()
    page.fill("input[name=contact_name]", "Ana Pérez")
    page.fill("input[name=email]", f"ana.{language}@city.example")
    page.fill("textarea[name=motivation]", "We want to learn from the other members.")
    assert_accessible(page)
    page.get_by_role("button", name=texts["apply"]).click()
    page.wait_for_url(re.compile(rf"/{language}/membership/sent/$"))
    assert_accessible(page)

    # Only a link goes to the address until it is proved; the request then reaches the secretariat.
    email = f"ana.{language}@city.example"
    confirmation = _mail_to(smtp, email)[-1]
    page.goto(_link(confirmation, "membership/confirm"))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/membership/thanks/$"))
    assert texts["done"] in page.locator("h1").inner_text()
    assert_accessible(page)

    # The secretariat works in English whatever the applicant's language.
    _log_in(page, "en", "secretariat@example.org", "secret-pass-123")
    assert_accessible(page)
    city_name = texts["approve"].split(" ", 1)[1]
    page.get_by_role("button", name=f"Approve {city_name}").click()
    # The confirmation says who is e-mailed; only its button approves.
    assert email in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name=f"Yes, approve {city_name}").click()
    page.wait_for_selector(".messages .success")
    assert Membership.objects.get(city__geonames_id=geonames_id).status == "active"
    page.get_by_role("button", name="Log out").click()

    # The approval, in the applicant's language, links to creating the account: that proves the
    # address, so the focal point is signed in at once.
    approval = _mail_to(smtp, email)[-1]
    page.goto(_link(approval, "invitations", language=language))
    assert_accessible(page)
    page.fill("input[name=password1]", "a-long-new-password-42")
    page.fill("input[name=password2]", "a-long-new-password-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/my/$"))
    assert texts["focal"] in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("form[action$='/accounts/logout/'] button").click()

    _log_in(page, language, email, "a-long-new-password-42")
    assert texts["focal"] in page.locator("main").inner_text()
    page.get_by_role("link", name=city_name).first.click()
    assert city_name in page.locator("h1").inner_text()
    assert_accessible(page)


def _mail_to(smtp, address):
    return [m for m in smtp.messages if m["To"] == address]


def _link(message, path, *, language=None) -> str:
    """The site-relative link to `path` in a mail (the live server has its own host and port)."""
    prefix = f"/{language}" if language else r"/[a-z]{2}"
    found = re.search(rf"https?://[^/\s]+({prefix}/{path}/\S+/)", message.get_content())
    return found.group(1)
