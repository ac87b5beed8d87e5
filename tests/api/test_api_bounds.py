"""Out-of-range input is a 422 that says why, never a 500 (each URL here was a 500)."""

import pytest

from cityloom.accounts.models import User
from cityloom.core.api import MAX_LIMIT, MAX_OFFSET
from cityloom.mentoring.models import MentoringRequest
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

PAGINATED = ["/api/v1/practices", "/api/v1/cities", "/api/v1/members", "/api/v1/publications"]
HUGE = 2**63  # one past the largest integer SQLite and PostgreSQL store


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize("parameter", ["offset", "limit"])
def test_paging_past_the_database_integers_is_a_422(client, db, path, parameter):
    response = client.get(path, {parameter: HUGE})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["query", parameter], "less_than_equal")


@pytest.mark.parametrize("path", PAGINATED)
def test_paging_at_the_bounds_is_answered(client, db, path):
    response = client.get(path, {"offset": MAX_OFFSET, "limit": MAX_LIMIT})
    assert (response.status_code, response.json()["items"]) == (200, [])


@pytest.mark.parametrize("year", [10000, -1, 0])
def test_member_year_outside_the_calendar_is_a_422(client, db, year):
    response = client.get("/api/v1/members", {"year": year})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "year"]


def test_member_year_filter_still_works(client, commission):
    MembershipFactory(
        commission=commission, city=CityFactory(name="Bilbao"), joined_on="2012-03-01"
    )
    MembershipFactory(commission=commission, city=CityFactory(name="Pau"), joined_on="2013-03-01")
    MembershipFactory(
        commission=CommissionFactory(), city=CityFactory(name="Durban"), joined_on="2012-05-01"
    )
    body = client.get("/api/v1/members", {"year": 2012, "commission": commission.slug}).json()
    assert [m["city"]["name"] for m in body["items"]] == ["Bilbao"]


def test_trends_in_year_one_is_a_422(client, db):
    response = client.get(
        "/api/v1/trends", {"start": "0001-01-01", "end": "0001-12-31", "bucket": "month"}
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "start"]
    assert error["msg"] == "Choose dates between Jan. 1, 1900 and Jan. 1, 2200."


def test_trends_at_the_end_of_the_calendar_is_a_422(client, db):
    response = client.get("/api/v1/trends", {"start": "9999-01-01", "end": "9999-12-31"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "start"]


def test_trends_error_speaks_the_callers_language(client, db):
    response = client.get(
        "/api/v1/trends",
        {"start": "2012-01-01", "end": "2011-01-01"},
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "La période doit se terminer après son début."


def test_trends_unknown_bucket_is_a_422(client, db):
    response = client.get(
        "/api/v1/trends", {"start": "2012-01-01", "end": "2013-01-01", "bucket": "week"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "bucket"]


def test_trends_page_in_year_one_shows_the_error(client, db):
    response = client.get(
        "/en/observatory/trends/", {"start": "0001-01-01", "end": "0001-12-31", "bucket": "month"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "start": ["Choose dates between Jan. 1, 1900 and Jan. 1, 2200."]
    }


def test_trends_page_in_french_explains_in_french(client, db):
    response = client.get(
        "/fr/observatory/trends/", {"start": "2012-01-01", "end": "2040-01-01", "bucket": "year"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Choisissez une période de vingt ans au plus."
    ]


def test_publication_search_of_a_thousand_words_is_a_422(client, db):
    words = " ".join(f"word{i}" for i in range(1000))
    response = client.get("/api/v1/publications", {"q": words})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["query", "q"], "string_too_long")


@pytest.mark.parametrize("path", PAGINATED)
def test_search_text_at_the_cap_is_answered(client, db, path):
    words = " ".join(["ab"] * 67)  # 200 characters, 67 words
    assert len(words) == 200
    response = client.get(path, {"q": words})
    assert (response.status_code, response.json()["count"]) == (200, 0)


@pytest.mark.parametrize("path", PAGINATED)
def test_search_text_past_the_cap_is_a_422(client, db, path):
    response = client.get(path, {"q": "a" * 201})
    assert response.status_code == 422


def test_unknown_object_is_a_404_in_the_callers_language(client, db):
    response = client.get("/api/v1/practices/999999")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_anonymous_caller_is_told_to_sign_in(client, db):
    response = client.get("/api/v1/mentoring/requests")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Sign in to use this endpoint."},
    )


def test_openapi_documents_bounds_and_errors(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    practices = schema["paths"]["/api/v1/practices"]["get"]
    parameters = {p["name"]: p["schema"] for p in practices["parameters"]}
    assert (parameters["offset"]["maximum"], parameters["limit"]["maximum"]) == (MAX_OFFSET, 100)
    assert parameters["q"]["maxLength"] == 200
    assert set(practices["responses"]) == {"200", "422"}
    members = schema["paths"]["/api/v1/members"]["get"]
    year = next(p["schema"] for p in members["parameters"] if p["name"] == "year")
    assert (year["anyOf"][0]["minimum"], year["anyOf"][0]["maximum"]) == (1, 9999)
    assert set(members["responses"]) == {"200", "404", "422"}
    requests = schema["paths"]["/api/v1/mentoring/requests"]["get"]
    assert set(requests["responses"]) == {"200", "401", "403"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cities?q=a%00b",
        "/api/v1/cities?country=%00",
        "/api/v1/members?q=a%00",
        "/api/v1/members?country=%00",
        "/api/v1/members?commission=%00",
        "/api/v1/practices?q=a%00b",
        "/api/v1/practices?tag=%00",
        "/api/v1/practices?language=%00",
        "/api/v1/publications?q=%00",
        "/api/v1/publications?language=%00",
        "/api/v1/meetings/%00",
        "/api/v1/meetings/%00/schedule.json",
    ],
)
def test_nul_character_in_a_parameter_is_a_422(client, db, url):
    # PostgreSQL refuses text with NUL: these reached it and came back as 500s.
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_pattern_mismatch"


def test_mentoring_request_with_nul_or_oversized_text_is_a_422(client, commission):
    city = CityFactory(name="Bilbao")
    MembershipFactory(commission=commission, city=city)
    client.force_login(UserFactory(city=city, role=User.Role.FOCAL_POINT))
    good = {"commission": commission.slug, "axes": ["mobility"], "need": "Ticketing."}
    for bad in (
        {"need": "Ticket\x00ing."},
        {"topics": "x" * 301},
        {"languages": ["en", "x" * 60]},
        {"axes": ["mobility\x00"]},
    ):
        response = client.post(
            "/api/v1/mentoring/requests", {**good, **bad}, content_type="application/json"
        )
        assert response.status_code == 422, bad
    assert MentoringRequest.objects.count() == 0
    response = client.post("/api/v1/mentoring/requests", good, content_type="application/json")
    assert response.status_code == 201
