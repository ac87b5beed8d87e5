import datetime as dt
import re

import pytest
from django.urls import reverse

from cityloom.mentoring import services
from cityloom.mentoring.models import (
    Activity,
    Health,
    MentoringRequest,
    Message,
    Milestone,
    MonitoringReport,
    Objective,
    Programme,
)
from tests.factories import CityFactory, MembershipFactory, UserFactory
from tests.practices.factories import PracticeFactory

from .factories import MilestoneFactory, ProgrammeFactory, RequestFactory, publish_results

SECRET = "Our budget for the pilot is 1.2 million rand"


@pytest.fixture
def study(commission, cities):
    return publish_results(
        commission,
        {
            cities["Bilbao"]: {"ECO": (61.0, 2), "MOB": (78.2, 3)},
            cities["Bordeaux"]: {"ECO": (70.0, 1), "MOB": (81.5, 1)},
            cities["Poitiers"]: {"ECO": (40.0, 4), "MOB": (79.0, 2)},
            cities["Johannesburg"]: {"ECO": (50.0, 3), "MOB": (30.0, 4)},
        },
    )


@pytest.fixture
def programme(commission, cities, focal, secretariat):
    """Bilbao mentors Johannesburg; every private part holds something a third city must not see."""
    programme = ProgrammeFactory(
        commission=commission,
        mentor=cities["Bilbao"],
        mentee=cities["Johannesburg"],
        started_on=dt.date(2026, 1, 10),
    )
    MilestoneFactory(programme=programme, title="Needs assessment", due_on=dt.date(2026, 2, 1))
    services.post_message(programme, by=focal["Johannesburg"], text=SECRET)
    services.file_report(programme, by=secretariat, status=Health.AT_RISK, summary=SECRET + " (r)")
    services.log_activity(
        programme,
        by=focal["Bilbao"],
        kind="meeting",
        happened_on=dt.date(2026, 1, 20),
        summary=SECRET + " (a)",
    )
    services.add_objective(
        programme, by=focal["Bilbao"], title=SECRET + " (o)", baseline=1.0, target=2.0
    )
    return programme


def test_focal_point_requests_mentoring(client, commission, cities, focal):
    client.force_login(focal["Johannesburg"])
    url = reverse("mentoring:request-create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "commission": commission.pk,
            "axes": ["mobility"],
            "topics": "ticketing",
            "need": "Integrated ticketing for buses.",
            "languages": ["en"],
            "mode": "structured",
        },
    )
    request = MentoringRequest.objects.get()
    assert response.status_code == 302
    assert response.url == request.get_absolute_url()
    assert (request.city, request.requested_by) == (cities["Johannesburg"], focal["Johannesburg"])


def test_member_who_is_not_focal_point_cannot_request(client, cities):
    client.force_login(UserFactory(city=cities["Johannesburg"]))
    assert client.get(reverse("mentoring:request-create")).status_code == 403


def test_request_page_shows_suggestions_with_reasons(client, commission, cities, focal, study):
    PracticeFactory(
        commission=commission,
        city=cities["Bilbao"],
        axis="mobility",
        title="Barik card",
        summary="Integrated ticketing for metro, bus and trains.",
    )
    request = RequestFactory(
        commission=commission, city=cities["Johannesburg"], need="Integrated ticketing for buses."
    )
    client.force_login(focal["Johannesburg"])
    html = client.get(request.get_absolute_url()).content.decode()
    assert "Score 78.2 on Smart mobility, rank 3 of 4 (Smart Cities Study 2014)." in html
    assert "Published practice “Barik card” is close to the need" in html
    assert "Shared working languages: Spanish." not in html
    assert "1 of 1 mentoring place free." in html
    assert "Propose Bilbao" not in html  # only the secretariat pairs


def test_request_page_in_french_without_study(client, commission, cities, focal):
    request = RequestFactory(commission=commission, city=cities["Johannesburg"])
    client.force_login(focal["Johannesburg"])
    html = client.get(f"/fr/mentoring/requests/{request.pk}/").content.decode()
    assert "Aucune édition de l'Étude n'est encore publiée" in html


def test_third_city_cannot_see_request(client, commission, cities, focal):
    request = RequestFactory(commission=commission, city=cities["Johannesburg"], need=SECRET)
    client.force_login(focal["Bordeaux"])
    assert client.get(request.get_absolute_url()).status_code == 404
    assert client.post(reverse("mentoring:request-withdraw", args=[request.pk])).status_code == 404


def test_secretariat_proposes_and_mentor_accepts(client, commission, cities, focal, secretariat):
    request = RequestFactory(commission=commission, city=cities["Johannesburg"])
    client.force_login(secretariat)
    html = client.get(request.get_absolute_url()).content.decode()
    assert "Propose Bilbao" in html
    client.post(
        reverse("mentoring:request-propose", args=[request.pk]), {"mentor": cities["Bilbao"].pk}
    )
    request.refresh_from_db()
    assert request.mentor == cities["Bilbao"]

    client.force_login(focal["Bordeaux"])
    answer = reverse("mentoring:request-answer", args=[request.pk])
    assert client.post(answer, {"accept": "yes", "methodology": "classic"}).status_code == 404
    client.force_login(focal["Bilbao"])
    response = client.post(answer, {"accept": "yes", "methodology": "classic"})
    programme = Programme.objects.get()
    assert response.url == programme.get_absolute_url()
    assert Programme.objects.count() == 1


def test_forged_mentor_id_is_refused(client, commission, cities, secretariat):
    request = RequestFactory(commission=commission, city=cities["Johannesburg"])
    outsider = CityFactory(name="Outsider")
    client.force_login(secretariat)
    url = reverse("mentoring:request-propose", args=[request.pk])
    expected = {
        999_999: "Choose a mentor city from the list.",
        "x": "Choose a mentor city from the list.",
        outsider.pk: "The mentor must be a member city of the commission.",
    }
    for mentor, message in expected.items():
        response = client.post(url, {"mentor": mentor}, follow=True)
        assert message in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.mentor) == (MentoringRequest.Status.OPEN, None)


def test_accepting_twice_shows_message(client, commission, cities, focal, secretariat):
    request = RequestFactory(commission=commission, city=cities["Johannesburg"])
    services.propose_mentor(request, mentor=cities["Bilbao"], by=secretariat)
    client.force_login(focal["Bilbao"])
    answer = reverse("mentoring:request-answer", args=[request.pk])
    client.post(answer, {"accept": "yes", "methodology": "classic"})
    # The request is now accepted: the mentor still sees it, and a second answer is refused.
    response = client.post(answer, {"accept": "yes", "methodology": "classic"}, follow=True)
    assert "This pairing has already been answered." in response.content.decode()
    assert Programme.objects.count() == 1


@pytest.mark.parametrize("who", ["Bilbao", "Johannesburg", "secretariat"])
def test_programme_private_parts_readable_by_both_cities_and_secretariat(
    client, programme, focal, secretariat, who
):
    client.force_login(secretariat if who == "secretariat" else focal[who])
    html = client.get(programme.get_absolute_url()).content.decode()
    assert html.count(SECRET) == 4  # message, report, activity, objective


@pytest.mark.parametrize("who", ["Bordeaux focal point", "Bordeaux member", "anonymous"])
def test_third_city_sees_only_public_facts(client, programme, cities, focal, who):
    if who == "Bordeaux focal point":
        client.force_login(focal["Bordeaux"])
    elif who == "Bordeaux member":
        client.force_login(UserFactory(city=cities["Bordeaux"]))
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Bilbao mentors Johannesburg" in html
    assert "Needs assessment" in html  # milestones are public
    assert SECRET not in html
    assert "Conversation" not in html


@pytest.mark.parametrize(
    ("name", "data", "model"),
    [
        ("message-add", {"text": "Hi"}, Message),
        ("report-add", {"status": "late", "summary": "x"}, MonitoringReport),
        ("activity-add", {"kind": "visit", "happened_on": "2026-02-01", "summary": "x"}, Activity),
        ("objective-add", {"title": "x", "baseline": "1"}, Objective),
        ("milestone-add", {"title": "x", "stage": "plan", "due_on": "2026-05-01"}, Milestone),
    ],
)
def test_third_city_cannot_write_in_programme(client, programme, focal, name, data, model):
    before = model.objects.count()
    client.force_login(focal["Bordeaux"])
    response = client.post(reverse(f"mentoring:{name}", args=[programme.pk]), data)
    assert response.status_code == 403
    assert model.objects.count() == before


def test_secretariat_cannot_write_in_conversation(client, programme, secretariat):
    # The view lets the secretariat read the programme; the service refuses the write: a 403.
    before = Message.objects.count()
    client.force_login(secretariat)
    response = client.post(reverse("mentoring:message-add", args=[programme.pk]), {"text": "Hi"})
    assert response.status_code == 403
    assert Message.objects.count() == before


def test_milestone_before_start_shows_message(client, programme, focal):
    client.force_login(focal["Bilbao"])
    response = client.post(
        reverse("mentoring:milestone-add", args=[programme.pk]),
        {"title": "Too early", "stage": "plan", "due_on": "2025-12-31"},
        follow=True,
    )
    assert "A milestone cannot be due before the programme starts" in response.content.decode()
    assert not Milestone.objects.filter(title="Too early").exists()


def test_monitoring_report_marks_programme_at_risk_on_dashboard(client, programme, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("mentoring:dashboard")).content.decode()
    assert "at risk" in html
    assert "Needs assessment — Feb. 1, 2026" in html


def test_dashboard_is_for_the_secretariat(client, focal):
    client.force_login(focal["Bilbao"])
    assert client.get(reverse("mentoring:dashboard")).status_code == 403


def _programmes(commission, n):
    mentor = CityFactory(name="Mentor city")
    MembershipFactory(city=mentor, commission=commission)
    for i in range(n):
        p = ProgrammeFactory(
            commission=commission, mentor=mentor, mentee=CityFactory(name=f"Mentee {i}")
        )
        MilestoneFactory(programme=p, due_on=dt.date(2026, 5, i + 1))
    return mentor


@pytest.mark.parametrize("n", [1, 3])
def test_public_list_queries(client, commission, n, django_assert_num_queries):
    _programmes(commission, n)
    with django_assert_num_queries(1):
        response = client.get(reverse("mentoring:programme-list"))
    assert len(re.findall(r"Mentee \d", response.content.decode())) == n


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_queries(client, commission, secretariat, n, django_assert_num_queries):
    _programmes(commission, n)
    client.force_login(secretariat)
    with django_assert_num_queries(7):
        response = client.get(reverse("mentoring:dashboard"))
    assert response.content.decode().count("Milestone ") == n


@pytest.mark.parametrize("n", [1, 3])
def test_city_page_queries(client, commission, n, django_assert_num_queries):
    mentor = _programmes(commission, n)
    with django_assert_num_queries(3):
        response = client.get(reverse("mentoring:city", args=[mentor.geonames_id]))
    assert len(re.findall(r"Mentee \d", response.content.decode())) == n


def test_pairing_page_and_apply(client, commission, cities, secretariat, study):
    RequestFactory(commission=commission, city=cities["Johannesburg"])
    client.force_login(secretariat)
    url = reverse("mentoring:pairing", args=[commission.slug])
    html = client.get(url).content.decode()
    assert "total suitability" in html
    client.post(url)
    assert MentoringRequest.objects.get().mentor == cities["Bordeaux"]


def test_focal_point_sets_capacity(client, cities, focal):
    client.force_login(focal["Bilbao"])
    client.post(reverse("mentoring:my"), {"max_programmes": "3"})
    assert cities["Bilbao"].mentor_capacity.max_programmes == 3


def test_api_programmes_public_fields(client, programme):
    body = client.get("/api/v1/mentoring/programmes").json()
    assert body == [
        {
            "id": programme.pk,
            "mentor": {"geonames_id": programme.mentor.geonames_id, "name": "Bilbao"},
            "mentee": {"geonames_id": programme.mentee.geonames_id, "name": "Johannesburg"},
            "axes": ["mobility"],
            "mode": "structured",
            "stage": "needs",
            "status": "at_risk",
            "started_on": "2026-01-10",
        }
    ]


def test_api_requests_only_own_city(client, commission, cities, focal):
    own = RequestFactory(commission=commission, city=cities["Johannesburg"], need=SECRET)
    assert client.get("/api/v1/mentoring/requests").status_code == 401
    client.force_login(focal["Bordeaux"])
    assert client.get("/api/v1/mentoring/requests").json() == []
    assert client.get(f"/api/v1/mentoring/requests/{own.pk}").status_code == 404
    client.force_login(focal["Johannesburg"])
    assert [r["need"] for r in client.get("/api/v1/mentoring/requests").json()] == [SECRET]


def test_api_focal_point_creates_request(commission, cities, focal):
    from django.test import Client

    client = Client(enforce_csrf_checks=False)
    client.force_login(focal["Johannesburg"])
    response = client.post(
        "/api/v1/mentoring/requests",
        {"commission": commission.slug, "axes": ["mobility"], "need": "Ticketing."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["city"]["name"] == "Johannesburg"
    bad = client.post(
        "/api/v1/mentoring/requests",
        {"commission": commission.slug, "axes": [], "need": "Ticketing."},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()) == (400, {"detail": "Choose at least one axis."})
    assert MentoringRequest.objects.count() == 1


@pytest.mark.parametrize(
    "model", ["mentorcapacity", "mentoringrequest", "programme", "monitoringreport", "message"]
)
def test_admin_lists_render(admin_client, programme, model):
    response = admin_client.get(reverse(f"admin:mentoring_{model}_changelist"))
    assert response.status_code == 200


def test_admin_programme_page_renders(admin_client, programme):
    response = admin_client.get(reverse("admin:mentoring_programme_change", args=[programme.pk]))
    assert "Needs assessment" in response.content.decode()
