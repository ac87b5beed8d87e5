"""Error pages: the site's layout, in the page's language, with a way back, even with the
database down."""

import re

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = {"en": "/en/", "fr": "/fr/", "es": "/es/"}


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def _assert_site_page(response, language: str, heading: str) -> None:
    body = response.content.decode()
    assert _html_lang(response) == language
    assert 'class="site-header"' in body
    assert 'class="site-footer"' in body
    assert f'<a href="{HOME[language]}">' in body  # the way back home, in the same language
    assert re.search(r"<h1>\s*" + re.escape(heading) + r"\s*</h1>", body), body


def _t(language: str, message: str) -> str:
    """`message` as the page shows it in `language` (English until the lead translates it)."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_404_has_layout_in_the_prefix_language(client, language):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    _assert_site_page(response, language, _t(language, "Page not found"))


def test_404_without_prefix_follows_accept_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert response.status_code == 404
    assert _html_lang(response) == "es"
    assert '<a href="/es/">' in response.content.decode()


def test_404_keeps_the_language_switcher_on_the_missing_address(client):
    body = client.get("/fr/no-such-page/").content.decode()
    assert 'href="/es/no-such-page/"' in body


def test_403_for_a_member_without_the_right_has_layout_and_way_back(client):
    # Anonymous visitors are sent to log in first; an account without the right gets the 403.
    user = UserFactory()
    client.force_login(user)
    response = client.get("/fr/circulars/new/")
    assert response.status_code == 403
    body = response.content.decode()
    assert _html_lang(response) == "fr"
    assert 'class="site-header"' in body
    assert 'href="/fr/my/"' in body  # the way back to the account's own space
    assert "PermissionDenied" not in body


def test_csrf_failure_is_a_site_page_in_the_language(client):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/es/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert _html_lang(response) == "es"
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert "CSRF" not in body  # no Django jargon for the reader


def test_400_is_a_site_page_in_the_language(client):
    response = client.get("/fr/", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 400
    assert _html_lang(response) == "fr"
    assert 'class="site-header"' in response.content.decode()


def _database_down(execute, sql, params, many, context):
    raise OperationalError("the database is down")


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_500_renders_with_the_database_down(language, signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:  # a session in the database, which can no longer be read
        client.force_login(UserFactory(city=CityFactory()))
    with connection.execute_wrapper(_database_down):
        response = client.get(f"/{language}/")
    assert response.status_code == 500
    _assert_site_page(response, language, _t(language, "Something went wrong on our side"))
    assert "OperationalError" not in response.content.decode()


def test_500_page_itself_makes_no_query(rf, django_assert_num_queries):
    from cityloom.core.views import server_error

    request = rf.get("/fr/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert 'class="site-header"' in response.content.decode()


def test_my_city_mentoring_without_a_city_leads_to_joining_not_404(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/fr/mentoring/my/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/my/#join"


def test_api_500_is_json_with_the_database_down():
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(_database_down):
        response = client.get("/api/v1/practices", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 500
    assert response.json() == {"detail": _t("fr", "Something went wrong on our side")}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_accessibility_statement_is_linked_from_the_footer_in_each_language(client, language):
    home = client.get(f"/{language}/").content.decode()
    footer = home[home.index('<footer class="site-footer">') :]
    assert f'href="/{language}/accessibility/"' in footer
    response = client.get(f"/{language}/accessibility/")
    assert response.status_code == 200
    body = response.content.decode()
    assert _html_lang(response) == language
    assert "WCAG" in body
    assert re.search(r"<h1>\s*" + re.escape(_t(language, "Accessibility statement")), body)


def test_accessibility_statement_contact(client, settings):
    settings.CITYLOOM_CONTACT_EMAIL = "access@network.example"
    body = client.get("/en/accessibility/").content.decode()
    assert '<a href="mailto:access@network.example">access@network.example</a>' in body
    settings.CITYLOOM_CONTACT_EMAIL = ""
    body = client.get("/en/accessibility/").content.decode()
    assert "mailto:" not in body
    assert 'href="/en/commissions/"' in body
