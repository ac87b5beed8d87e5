"""Production settings from the environment: `check --deploy` is clean, headers are strict."""

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cityloom.core.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 10 + "-production-secret-with-enough-different-characters-0123456789",
    "ALLOWED_HOSTS": "cityloom.example.org",
    "CITYLOOM_SITE_URL": "https://cityloom.example.org",
    "CITYLOOM_SECURE_COOKIES": "true",
    "CITYLOOM_SSL_REDIRECT": "true",
    "CITYLOOM_HSTS_SECONDS": "31536000",
    "CITYLOOM_HSTS_INCLUDE_SUBDOMAINS": "true",
    "CITYLOOM_HSTS_PRELOAD": "true",
    "CITYLOOM_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def _run(code: list[str], tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {
        "CITYLOOM_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cityloom.settings",
        "PATH": "/usr/bin:/bin",
        **variables,
    }
    return subprocess.run(
        [sys.executable, *code], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_check_deploy_passes_with_production_environment(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_warns_with_laptop_defaults(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 1
    found = set(re.findall(r"security\.W\d+", result.stderr))
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= found


SHOW = (
    "from django.conf import settings; print(repr((settings.SECURE_HSTS_SECONDS, "
    "settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER, "
    "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)))"
)


def test_production_variables_reach_the_settings(tmp_path):
    result = _run(["-c", "import django; django.setup(); " + SHOW], tmp_path, **PRODUCTION)
    assert result.stdout == "(31536000, True, ('HTTP_X_FORWARDED_PROTO', 'https'), True, True)\n"


def test_laptop_defaults_leave_https_off(tmp_path):
    result = _run(["-c", "import django; django.setup(); " + SHOW], tmp_path)
    assert result.stdout == "(0, False, None, False, False)\n"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CITYLOOM_HSTS_SECONDS", "one year", "must be a whole number of seconds"),
        ("CITYLOOM_HSTS_SECONDS", "-1", "must be a whole number of seconds"),
        ("CITYLOOM_SSL_REDIRECT", "yes", "must be true/false or 1/0"),
        ("CITYLOOM_PROXY_SSL_HEADER", "X-Forwarded-Proto: https", "must be a header name"),
    ],
)
def test_malformed_security_variable_is_refused_at_start_up(tmp_path, name, value, message):
    result = _run(["-c", "import django; django.setup()"], tmp_path, **{name: value})
    assert result.returncode == 1
    assert f"ImproperlyConfigured: {name} {message}" in result.stderr


def test_pages_carry_the_content_security_policy(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    assert client.get("/api/v1/openapi.json")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE),
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle=", re.IGNORECASE),
    re.compile(r"\son[a-z]+=", re.IGNORECASE),
    re.compile(r"\shx-on", re.IGNORECASE),
]


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/members/",
        "/en/accounts/login/",
        "/en/admin/login/",
        "/api/v1/docs",
    ],
)
def test_pages_have_no_inline_script_or_style(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert [m.group(0) for pattern in INLINE for m in pattern.finditer(html)] == []


def test_admin_pages_have_no_inline_script_or_style(admin_client):
    for path in ["/en/admin/", "/en/admin/network/city/", "/en/admin/network/city/add/"]:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert [m.group(0) for pattern in INLINE for m in pattern.finditer(html)] == [], path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HEALTHZ = (
    "import django; django.setup()\n"
    "from django.test import Client\n"
    "response = Client().get('/healthz', HTTP_HOST='127.0.0.1')\n"
    "print(response.status_code, response.content.decode())\n"
)


def test_healthz_with_a_broken_database_tells_no_details(tmp_path):
    url = f"postgres://cityloom:hunter2-secret@127.0.0.1:{_closed_port()}/cityloom"
    result = _run(["-c", HEALTHZ], tmp_path, DATABASE_URL=url)
    status, body = result.stdout.split(" ", 1)
    assert (status, json.loads(body)) == ("503", {"status": "error", "database": "unavailable"})
    # The details go to the operator's log, not to whoever asks.
    assert "Health check: the database did not answer" in result.stderr
    assert "Connection refused" in result.stderr


@pytest.mark.parametrize(
    "url",
    ["/en/members/map/?commission=%00", "/en/cities/search/?city_query=ab%00", "/fr/?x%00=1"],
)
def test_nul_character_in_a_page_address_is_a_400_in_the_readers_language(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/fr/"):
        assert response.content.decode() == "L'adresse contient un caractère non autorisé."


def test_csp_form_action_names_the_identity_providers(settings):
    import importlib

    from cityloom.core import middleware

    settings.CITYLOOM_CSP_FORM_ACTION = ["https://login.bilbao.example"]
    try:
        policy = importlib.reload(middleware).CONTENT_SECURITY_POLICY
        assert "form-action 'self' https://login.bilbao.example" in policy
    finally:
        settings.CITYLOOM_CSP_FORM_ACTION = []
        importlib.reload(middleware)
