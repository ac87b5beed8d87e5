import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cityloom.network.models import Commission
from tests.factories import CommissionFactory, UserFactory

from .builders import build_year

# Sessions, the user, the commission, each section's reads: the same for 1 item or 3.
QUERIES = 29


@pytest.mark.parametrize("n", [1, 3])
def test_report_page_queries_do_not_grow_with_the_items(db, django_assert_num_queries, n):
    commission = CommissionFactory(slug="digital")
    build_year(commission, n)
    secretariat = UserFactory()
    commission.secretariat.add(secretariat)
    client = Client()
    client.force_login(secretariat)
    url = reverse("reports:report-detail", args=["digital", 2013])
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for i in range(n):
        for text in [f"Member {i}", f"Conference {i}", f"Circular {i}", f"Project {i}.1"]:
            assert text in page


def test_api_documents_the_report_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    path = schema["paths"]["/api/v1/reports/annual/{year}"]["get"]
    assert set(path["responses"]) == {"200", "404", "422"}
    components = schema["components"]["schemas"]
    assert {"AnnualReportOut", "AnnualFacts", "MeetingFact", "MentoringFact"} <= set(components)
    assert set(components["MeetingFact"]["properties"]) >= {
        "title",
        "axis_label",
        "city",
        "participant_count",
        "session_count",
        "projects",
        "url",
    }


def test_api_answers_in_the_readers_language(db):
    commission = CommissionFactory(slug="digital", kind=Commission.Kind.COMMISSION)
    build_year(commission, 1)
    secretariat = UserFactory()
    commission.secretariat.add(secretariat)
    client = Client()
    client.force_login(secretariat)
    data = client.get(
        "/api/v1/reports/annual/2013?commission=digital", headers={"accept-language": "fr"}
    ).json()
    assert data["language"] == "fr"
    assert data["facts"]["meetings"]["meetings"][0]["axis_label"] == "Économie intelligente"
    assert data["facts"]["meetings"]["meetings"][0]["url"].startswith("/fr/meetings/")
    assert data["facts"]["members"]["is_empty"] is False


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_command_writes_the_report(db, tmp_path, fmt):
    commission = CommissionFactory(slug="digital", kind=Commission.Kind.COMMISSION)
    build_year(commission, 1)
    out = tmp_path / f"report.{fmt}"
    call_command(
        "report",
        "annual",
        "--year",
        "2013",
        "--lang",
        "es",
        "--format",
        fmt,
        "--out",
        str(out),
        "--commission",
        "digital",
    )
    data = out.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    else:
        html = data.decode()
        assert '<html lang="es">' in html
        assert "Working meeting 0" in html
        assert "Project 0.1" in html


def test_command_refuses_an_unknown_commission(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no commission"):
        call_command(
            "report",
            "annual",
            "--year",
            "2013",
            "--out",
            str(tmp_path / "x.pdf"),
            "--commission",
            "nowhere",
        )


def test_the_secretariat_may_prepare_a_report_for_every_year_of_the_commissions_history(
    db, time_machine
):
    import datetime as dt

    from cityloom.reports import services
    from tests.factories import CityFactory, MembershipFactory

    time_machine.move_to(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC))
    commission = CommissionFactory()
    MembershipFactory(commission=commission, city=CityFactory(), joined_on=dt.date(2005, 3, 1))
    years = services.report_years(commission)
    assert (years[0], years[-1], len(years)) == (2026, 2005, 22)
    # A commission with no member yet: the last twelve years.
    assert services.report_years(CommissionFactory())[-1] == 2014
