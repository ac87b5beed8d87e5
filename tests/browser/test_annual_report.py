"""The secretariat prepares the 2013 report: reads the draft, asks for its PDF, writes the
introduction, publishes; a visitor then reads the published report."""

import re

import pytest

from cityloom.core.models import RenderedDocument
from cityloom.network.models import Commission
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory
from tests.reports.builders import build_year

pytestmark = pytest.mark.e2e

PASSWORD = "secret-pass-123"
REPORT = "/en/reports/digital-cities/2013/"


@pytest.fixture
def network(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commission = CommissionFactory(
        slug="digital-cities", name="Commission on Digital Cities", kind=Commission.Kind.COMMISSION
    )
    commission.president_city = CityFactory(name="Bilbao")
    commission.save()
    MembershipFactory(city=commission.president_city, commission=commission)
    build_year(commission, 1)
    secretariat = UserFactory(email="secretariat@example.org", language="en")
    commission.secretariat.add(secretariat)
    return commission


def _log_in(page, email):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def test_secretariat_prepares_edits_and_publishes_the_report(page, network):
    # A visitor finds no draft.
    assert page.goto(REPORT).status == 404

    _log_in(page, "secretariat@example.org")
    page.goto(REPORT)
    assert page.get_by_role("heading", name="Activity report 2013", level=1).is_visible()
    assert page.get_by_text("Draft: only the secretariat can read this report.").is_visible()
    assert page.get_by_role("link", name="Working meeting 0").is_visible()
    assert_accessible(page)

    # The draft PDF is built in the background: the page waits, politely, then the poll
    # sends the browser to the stored file.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("link", name="Prepare the draft PDF").click()
        status = page.get_by_role("status")
        assert "The document is being prepared" in status.inner_text()
        assert status.get_attribute("aria-live") == "polite"
        assert_accessible(page)
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert RenderedDocument.objects.get().status == RenderedDocument.Status.DONE

    # The introduction, saved as version 1.
    page.goto(REPORT)
    page.get_by_role("link", name="Edit the texts").click()
    assert_accessible(page)
    page.get_by_label("Introduction").fill("In 2013 the commission met in Bordeaux.")
    page.get_by_role("button", name="Save a new version").click()
    page.wait_for_url(re.compile(re.escape(REPORT) + "$"))
    assert page.get_by_text("The texts were saved as version 1.").is_visible()
    assert page.get_by_text("In 2013 the commission met in Bordeaux.").is_visible()

    page.get_by_role("button", name="Publish the report").click()
    page.wait_for_url(re.compile(re.escape(REPORT) + "$"))
    assert page.get_by_text("The report of 2013 is published.").is_visible()

    # Anyone reads it now, with the link to its PDF.
    page.context.clear_cookies()
    page.goto(REPORT)
    assert page.get_by_text("In 2013 the commission met in Bordeaux.").is_visible()
    assert page.get_by_role("link", name="Download the report (PDF)").is_visible()
    assert page.get_by_role("button", name="Publish again").count() == 0
    assert_accessible(page)
