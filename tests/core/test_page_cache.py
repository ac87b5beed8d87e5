"""The anonymous page cache (issue 18): public pages served from the cache, never stale.

A visitor's second look at a page costs one read (the data version); any write, through a
service, the admin or a bulk update in a request, makes the next look render afresh. Signed-in
people, pages with a form token and visitors with a message waiting are never served from it.
"""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from cityloom.core import cache as page_cache
from cityloom.core.middleware import AnonymousPageCacheMiddleware
from cityloom.network import services
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.CITYLOOM_PAGE_CACHE = True


@pytest.fixture
def bilbao():
    city = CityFactory(name="Bilbao", description="A city on the estuary.")
    MembershipFactory(city=city, commission=CommissionFactory(name="Digital cities"))
    return city


def test_a_visitors_second_look_reads_only_the_data_version(
    client, bilbao, django_assert_num_queries
):
    first = client.get(bilbao.get_absolute_url())
    assert first.status_code == 200
    with django_assert_num_queries(1):
        second = client.get(bilbao.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Language"] == "en"


def test_a_change_through_a_service_shows_at_once(client, bilbao):
    assert "A city on the estuary." in client.get(bilbao.get_absolute_url()).content.decode()
    focal = UserFactory(city=bilbao, role="focal_point")
    services.update_city_profile(
        bilbao, by=focal, description="A city of bridges.", website="", languages=[]
    )
    content = client.get(bilbao.get_absolute_url()).content.decode()
    assert "A city of bridges." in content
    assert "A city on the estuary." not in content


def test_a_change_through_the_admin_shows_at_once(client, bilbao):
    visitor_page = client.get(bilbao.get_absolute_url()).content.decode()
    assert "Digital cities" in visitor_page
    membership = bilbao.memberships.get()
    admin = client_for(UserFactory(is_staff=True, is_superuser=True))
    response = admin.post(f"/en/admin/network/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not bilbao.memberships.exists()
    content = client.get(bilbao.get_absolute_url()).content.decode()
    assert "Digital cities" not in content
    assert "This city is not a member of any commission yet." in content


def test_a_bulk_update_in_a_request_moves_the_version_on(client, bilbao):
    """A queryset update() sends no signal: the write request itself moves the version on."""
    from cityloom.network.models import City

    before = page_cache.data_version()
    request = RequestFactory().post("/en/members/")
    request.COOKIES = {}
    middleware = AnonymousPageCacheMiddleware(
        lambda request: City.objects.filter(pk=bilbao.pk).update(name="Bilbo") or HttpResponse()
    )
    middleware(request)
    assert page_cache.data_version() != before


def test_a_request_that_writes_nothing_leaves_the_pages_alone(client, bilbao):
    before = page_cache.data_version()
    # A refused form: it reads and answers, and writes no row a page shows.
    client.post("/en/membership/apply/", {"search": "1", "city_query": "Bil"})
    assert page_cache.data_version() == before


def test_a_write_in_a_transaction_moves_the_version_again_after_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        CityFactory(name="Pau")
        CityFactory(name="Poitiers")  # a second write: still one bump waiting for the commit
        during = page_cache.data_version()
    assert len(callbacks) == 1
    # A page rendered before the commit, stored under `during`, is never asked for again.
    callbacks[0]()
    assert page_cache.data_version() != during


def test_each_language_has_its_own_page(client, bilbao):
    english = client.get(f"/en/cities/{bilbao.geonames_id}/").content.decode()
    french = client.get(f"/fr/cities/{bilbao.geonames_id}/").content.decode()
    assert 'lang="en"' in english
    assert 'lang="fr"' in french
    assert client.get(f"/en/cities/{bilbao.geonames_id}/").content.decode() == english
    assert client.get(f"/fr/cities/{bilbao.geonames_id}/").content.decode() == french


def test_a_signed_in_person_is_never_served_a_cached_page_nor_stored(client, bilbao):
    client.get(bilbao.get_absolute_url())  # stored for visitors
    person = client_for(UserFactory(city=bilbao, role="focal_point", email="focal@example.org"))
    content = person.get(bilbao.get_absolute_url()).content.decode()
    assert "Edit the profile" in content  # their own page, not the visitor's
    # What they saw was not stored for the visitors either.
    assert "Edit the profile" not in client.get(bilbao.get_absolute_url()).content.decode()


def test_a_page_with_a_form_token_is_not_stored(client, db):
    first = client.get("/en/membership/apply/")
    assert "csrftoken" in first.cookies
    second = client.get("/en/membership/apply/")
    # Rendered again: a new token, and the cookie set again.
    assert "csrftoken" in second.cookies
    assert second.context is not None


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, bilbao):
    client.get(bilbao.get_absolute_url())  # stored
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Saved for you.")])
    response = client.get(bilbao.get_absolute_url())
    assert "Saved for you." in response.content.decode()


def test_the_cache_key_leaves_out_what_may_not_be_cached(rf, settings):
    assert page_cache.page_key(rf.get("/en/members/")) is not None
    assert page_cache.page_key(rf.post("/en/members/")) is None
    assert page_cache.page_key(rf.get("/en/admin/")) is None
    assert page_cache.page_key(rf.get("/en/accounts/login/")) is None
    assert page_cache.page_key(rf.get("/static/css/site.css")) is None
    with_session = rf.get("/en/members/")
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert page_cache.page_key(with_session) is None
    with_token = rf.get("/api/v1/members", HTTP_AUTHORIZATION="Bearer x")
    assert page_cache.page_key(with_token) is None
    # The query string is part of the address.
    assert page_cache.page_key(rf.get("/en/members/?page=2")) != page_cache.page_key(
        rf.get("/en/members/")
    )
    settings.CITYLOOM_PAGE_CACHE = False
    assert page_cache.page_key(rf.get("/en/members/")) is None


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
