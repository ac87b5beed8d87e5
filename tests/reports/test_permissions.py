"""Who reads, writes and publishes a report, tried as an attacker would."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cityloom.accounts.models import User
from cityloom.reports import services
from cityloom.reports.models import AnnualReport, ReportText
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory


@pytest.fixture
def world(db):
    mine, theirs = CommissionFactory(slug="digital"), CommissionFactory(slug="planning")
    city = CityFactory(name="Bordeaux")
    MembershipFactory(city=city, commission=mine)
    secretariat = UserFactory(email="secretariat@example.org")
    mine.secretariat.add(secretariat)
    other_secretariat = UserFactory(email="other@example.org")
    theirs.secretariat.add(other_secretariat)
    return {
        "commission": mine,
        "secretariat": secretariat,
        "other_secretariat": other_secretariat,
        "focal_point": UserFactory(city=city, role=User.Role.FOCAL_POINT),
        "member": UserFactory(city=city),
    }


def client_of(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def url(name, *args):
    return reverse(f"reports:{name}", args=["digital", 2013, *args])


OUTSIDERS = ["focal_point", "member", "other_secretariat", None]
TEXTS = {"language": "en", "introduction": "Intro", "relations": "", "conclusion": ""}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_read_a_draft(world, who):
    client = client_of(world.get(who))
    services.save_texts(world["commission"], 2013, by=world["secretariat"], **TEXTS)
    assert client.get(url("report-detail")).status_code == 404
    assert client.get(url("report-pdf") + "?draft=1").status_code == 404
    assert client.get(url("report-pdf")).status_code == 404
    assert client.get("/api/v1/reports/annual/2013?commission=digital").status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_edit_or_publish(world, who):
    client = client_of(world.get(who))
    edit = client.post(url("report-edit"), TEXTS)
    publish = client.post(url("report-publish"))
    expected = 302 if who is None else 403  # a visitor is sent to log in
    assert (edit.status_code, publish.status_code) == (expected, expected)
    assert not ReportText.objects.exists()
    assert not AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED).exists()


@pytest.mark.parametrize("who", ["focal_point", "member", "other_secretariat"])
def test_services_refuse_outsiders_whatever_the_entry_point(world, who):
    with pytest.raises(PermissionDenied):
        services.save_texts(world["commission"], 2013, by=world[who], **TEXTS)
    with pytest.raises(PermissionDenied):
        services.publish_report(world["commission"], 2013, by=world[who])
    assert not ReportText.objects.exists()


def test_secretariat_edits_and_publishes_then_everyone_reads_the_published_texts(world):
    secretariat = client_of(world["secretariat"])
    assert secretariat.get(url("report-detail")).status_code == 200
    response = secretariat.post(url("report-edit"), {**TEXTS, "introduction": "First words"})
    assert response.status_code == 302
    assert secretariat.post(url("report-publish")).status_code == 302
    secretariat.post(url("report-edit"), {**TEXTS, "introduction": "Second thoughts"})
    report = AnnualReport.objects.get()
    assert report.status == AnnualReport.Status.PUBLISHED
    assert list(report.texts.values_list("number", "introduction")) == [
        (2, "Second thoughts"),
        (1, "First words"),
    ]
    for who in OUTSIDERS:
        page = client_of(world.get(who)).get(url("report-detail")).content.decode()
        assert "First words" in page
        assert "Second thoughts" not in page
        api = client_of(world.get(who)).get("/api/v1/reports/annual/2013?commission=digital")
        assert api.json()["texts"]["introduction"] == "First words"
        assert api.json()["status"] == "published"
    assert "Second thoughts" in secretariat.get(url("report-detail")).content.decode()
    draft = secretariat.get("/api/v1/reports/annual/2013?commission=digital").json()
    assert (draft["status"], draft["texts"]["introduction"]) == ("draft", "Second thoughts")


def test_forged_commission_year_and_language_are_refused(world):
    secretariat = client_of(world["secretariat"])
    assert secretariat.get("/en/reports/nowhere/2013/").status_code == 404
    assert secretariat.get("/en/reports/digital/1990/").status_code == 404
    assert secretariat.get("/en/reports/digital/2999/").status_code == 404
    assert secretariat.post("/en/reports/digital/1990/publish/").status_code == 404
    assert client_of(None).get("/api/v1/reports/annual/2999?commission=digital").status_code == 404
    response = secretariat.post(url("report-edit"), {**TEXTS, "language": "de"})
    assert response.status_code == 200
    assert not ReportText.objects.exists()


def test_the_current_year_cannot_be_published_yet(world):
    from django.utils import timezone

    year = timezone.localdate().year
    response = client_of(world["secretariat"]).post(
        f"/en/reports/digital/{year}/publish/", follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"The report of {year} can be published once the year is over."
    ]
    assert not AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED).exists()
