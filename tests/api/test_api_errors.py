"""The API's error messages follow Accept-Language on every router: 401, 403, 404, 422 and the
errors Ninja raises itself. Validation messages reuse Django's translated sentences."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation

from cityloom.accounts.models import User
from cityloom.api import api
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "not_found": {"en": "Not found.", "fr": "Introuvable.", "es": "No encontrado."},
    "sign_in": {
        "en": "Sign in to use this endpoint.",
        "fr": "Connectez-vous pour utiliser ce point d'accès.",
        "es": "Inicie sesión para usar este punto de acceso.",
    },
    "focal_only": {
        "en": "Only a city's focal point has requests.",
        "fr": "Seul le point focal d'une ville a des demandes.",
        "es": "Solo el punto focal de una ciudad tiene solicitudes.",
    },
    "invalid": {
        "en": "Enter a valid value.",
        "fr": "Saisissez une valeur valide.",
        "es": "Introduzca un valor válido.",
    },
    "at_least_1": {
        "en": "Ensure this value is greater than or equal to 1.",
        "fr": "Assurez-vous que cette valeur est supérieure ou égale à 1.",
        "es": "Asegúrese de que este valor es mayor o igual a 1.",
    },
    "whole_number": {
        "en": "Enter a whole number.",
        "fr": "Saisissez un nombre entier.",
        "es": "Introduzca un número entero.",
    },
    "choice": {
        "en": "Select a valid choice. That choice is not one of the available choices.",
        "fr": "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles.",
        "es": "Escoja una opción válida. Esa opción no está entre las disponibles.",
    },
}
LANGUAGES = ["en", "fr", "es"]


def _get(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=f"{language};q=1, en;q=0.1")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/publications/999999",  # observatory router
        "/api/v1/practices/999999",  # practices router
        "/api/v1/mentoring/programmes/999999",  # no such route in the mentoring router
        "/api/v1/no-such-endpoint",  # root API: no router at all
    ],
)
def test_404_in_the_reader_language(client, url, language):
    response = _get(client, url, language)
    assert (response.status_code, response.json()) == (
        404,
        {"detail": EXPECTED["not_found"][language]},
    )
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_401_in_the_reader_language(client, language):
    response = _get(client, "/api/v1/mentoring/requests", language)
    assert (response.status_code, response.json()) == (
        401,
        {"detail": EXPECTED["sign_in"][language]},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_403_for_a_member_who_is_not_a_focal_point(client, language):
    client.force_login(UserFactory(city=CityFactory()))
    response = _get(client, "/api/v1/mentoring/requests", language)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": EXPECTED["focal_only"][language]},
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("url", "loc", "kind", "message"),
    [
        (
            "/api/v1/mentoring/programmes?active=maybe",
            ["query", "active"],
            "bool_parsing",
            "invalid",
        ),
        ("/api/v1/practices?limit=0", ["query", "limit"], "greater_than_equal", "at_least_1"),
        (
            "/api/v1/publications?offset=ten",
            ["query", "offset"],
            "int_parsing",
            "whole_number",
        ),
    ],
)
def test_422_messages_in_the_reader_language(client, language, url, loc, kind, message):
    response = _get(client, url, language)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    # Machines keep Pydantic's location and type; people read the message in their language.
    assert (error["loc"], error["type"], error["msg"]) == (loc, kind, EXPECTED[message][language])


def _t(language: str, message: str) -> str:
    """`message` in `language`: English until the lead translates a new sentence."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_422_choice_and_missing_field_in_a_body(language, commission):
    city = CityFactory()
    client = Client()
    client.force_login(UserFactory(city=city, role=User.Role.FOCAL_POINT))
    response = client.post(
        "/api/v1/mentoring/requests",
        {"commission": commission.slug, "axes": ["astrology"]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages == {
        ("body", "payload", "axes", 0): EXPECTED["choice"][language],
        ("body", "payload", "need"): _t(language, "This field is required."),
    }
    assert messages[("body", "payload", "need")] != "Field required"  # Pydantic's English


@pytest.mark.parametrize("language", LANGUAGES)
def test_unreadable_body_is_explained_in_the_reader_language(language):
    client = Client()
    client.force_login(UserFactory(city=CityFactory(), role=User.Role.FOCAL_POINT))
    response = client.post(
        "/api/v1/mentoring/requests",
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": _t(language, "The request body is not valid JSON.")},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_forged_post_without_csrf_token_is_refused_in_the_reader_language(language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(city=CityFactory(), role=User.Role.FOCAL_POINT))
    response = client.post(
        "/api/v1/mentoring/requests",
        {"need": "x"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    expected = _t(
        language,
        "The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.",
    )
    assert (response.status_code, response.json()) == (403, {"detail": expected})


@pytest.mark.parametrize("language", LANGUAGES)
def test_permission_denied_becomes_a_translated_403(language):
    request = RequestFactory().get("/api/v1/anything")
    with translation.override(language):
        response = api.on_exception(request, PermissionDenied())
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "detail": _t(language, "Your account may not use this endpoint.")
    }
