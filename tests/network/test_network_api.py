from tests.factories import CityFactory, CommissionFactory, MembershipFactory


def test_members_are_paginated_and_filtered(client, commission):
    for name in ("Bilbao", "Bordeaux", "Pau"):
        MembershipFactory(commission=commission, city=CityFactory(name=name))
    MembershipFactory(
        commission=CommissionFactory(), city=CityFactory(name="Durban", country_code="ZA")
    )
    body = client.get(f"/api/v1/members?commission={commission.slug}&limit=2").json()
    assert body["count"] == 3
    assert [m["city"]["name"] for m in body["items"]] == ["Bilbao", "Bordeaux"]
    assert body["items"][0]["commission"] == commission.slug
    body = client.get("/api/v1/members?country=ZA").json()
    assert [m["city"]["name"] for m in body["items"]] == ["Durban"]


def test_unknown_commission_is_404(client, db):
    assert client.get("/api/v1/members?commission=nope").status_code == 404


def test_cities_search_and_filters(client, db):
    CityFactory(name="Bilbao", search_names="|bilbao|bilbo|", country_code="ES", population=347342)
    CityFactory(name="Barakaldo", country_code="ES", population=100000)
    CityFactory(name="Bordeaux", country_code="FR", population=260000)
    assert [c["name"] for c in client.get("/api/v1/cities?q=bilbo").json()["items"]] == ["Bilbao"]
    assert [c["name"] for c in client.get("/api/v1/cities?country=ES").json()["items"]] == [
        "Bilbao",
        "Barakaldo",
    ]
    assert [
        c["name"] for c in client.get("/api/v1/cities?min_population=200000").json()["items"]
    ] == ["Bilbao", "Bordeaux"]


def test_bad_filter_is_a_422_with_details(client, db):
    response = client.get("/api/v1/cities?min_population=lots")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "min_population"


def test_openapi_schema_lists_the_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/cities", "/api/v1/members", "/api/v1/commissions"} <= set(schema["paths"])


def test_commissions_count_active_members(client, commission):
    MembershipFactory(commission=commission)
    MembershipFactory(commission=commission, status="left")
    [item] = client.get("/api/v1/commissions").json()
    assert (item["slug"], item["member_count"]) == (commission.slug, 1)
