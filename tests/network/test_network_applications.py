"""The anonymous membership form: limited per address, and nothing but a short confirmation link
is mailed until the address is proved."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from cityloom.network import views
from cityloom.network.models import MembershipRequest
from tests.factories import CityFactory


@pytest.fixture(autouse=True)
def _inside_one_window(time_machine):
    # The limits count in fixed windows: frozen in the middle of one, a test never sees its
    # count start again because a window ended halfway through it.
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 7, 30, tzinfo=dt.UTC), tick=False)


ATTACKER, OTHER = "203.0.113.5", "198.51.100.7"


def _application(commission, city, **extra):
    return {
        "commission": commission.pk,
        "city": city.geonames_id,
        "contact_name": "Ana",
        "email": "ana@example.org",
        "motivation": "To learn.",
        **extra,
    }


def test_applications_from_one_address_are_limited(commission, mailoutbox):
    limit = views.APPLICATIONS_PER_ADDRESS.limit
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(limit):
        response = attacker.post(
            "/en/membership/apply/",
            _application(commission, CityFactory(), email=f"victim{n}@example.org"),
        )
        assert response.status_code == 302
    response = attacker.post("/es/membership/apply/", _application(commission, CityFactory()))
    assert response.status_code == 429
    assert '<html lang="es">' in response.content.decode()
    assert MembershipRequest.objects.count() == limit
    other = Client(REMOTE_ADDR=OTHER)
    assert (
        other.post("/en/membership/apply/", _application(commission, CityFactory())).status_code
        == 302
    )


def test_searching_a_city_without_script_is_not_counted(commission):
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(views.APPLICATIONS_PER_ADDRESS.limit + 1):
        response = client.post("/en/membership/apply/", {"search": "1", "city_query": "Bil"})
        assert response.status_code == 200


def test_the_whole_application_by_links(
    commission, client, mailoutbox, django_capture_on_commit_callbacks
):
    city = CityFactory(name="Pau")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/membership/apply/", _application(commission, city))
    assert response["Location"] == "/fr/membership/sent/"
    assert client.get(response["Location"]).status_code == 200
    [message] = mailoutbox
    link = re.search(r"http://testserver(/fr/membership/confirm/\S+/)", message.body).group(1)
    # Opening the link (as a mail scanner does) changes nothing; the button confirms.
    page = client.get(link)
    assert page.status_code == 200
    assert MembershipRequest.objects.get().status == "unconfirmed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response["Location"] == "/fr/membership/thanks/"
    assert MembershipRequest.objects.get().status == "pending"
    assert [m.to for m in mailoutbox] == [
        ["ana@example.org"],
        ["ana@example.org"],
        ["secretariat@example.org"],
    ]
    # The applicant's text reaches the secretariat and the applicant only now.
    assert "Ana" in mailoutbox[1].body


def test_a_forged_confirmation_link_is_404(commission, client):
    client.post("/en/membership/apply/", _application(commission, CityFactory()))
    application = MembershipRequest.objects.get()
    token = application.confirmation_token
    assert client.post(reverse("network:apply-confirm", args=[token + "x"])).status_code == 404
    assert client.get(reverse("network:apply-confirm", args=["nothing"])).status_code == 404
    application.refresh_from_db()
    assert application.status == "unconfirmed"


def test_a_link_for_a_city_that_has_another_pending_request_shows_a_translated_error(
    commission, client
):
    city = CityFactory(name="Pau")
    client.post("/en/membership/apply/", _application(commission, city))
    client.post("/en/membership/apply/", _application(commission, city, email="b@example.org"))
    first, second = MembershipRequest.objects.order_by("pk")
    client.post(reverse("network:apply-confirm", args=[first.confirmation_token]))
    response = client.post(f"/fr/membership/confirm/{second.confirmation_token}/")
    assert response.status_code == 200
    assert "Pau a déjà demandé à rejoindre" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "unconfirmed"
