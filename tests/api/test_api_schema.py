"""Every operation of `/api/v1/` against its own OpenAPI schema, with schemathesis.

Any 500, undocumented status code or answer that does not match its schema fails the suite.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, seed, settings
from schemathesis.config import SchemathesisConfig

from cityloom.accounts.models import User
from cityloom.wsgi import application

CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                # "end after start, twenty years at most" spans two parameters: OpenAPI cannot
                # say it, so a schema-valid period may be refused, with a 422 that says why.
                "include-path": "/api/v1/trends",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "422"]}},
            }
        ]
    }
)
# Read from the live endpoint in-process: the schema tested is the one clients download. It is
# read while the module is collected, before any database exists: without the page cache,
# which would look up the data version (the tests below run without it too, see conftest).
with override_settings(CITYLOOM_PAGE_CACHE=False):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _demo(demo_network, db):
    """Rows for every endpoint to return, restored between operations."""


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # The real WSGI handler closes a connection left inside a transaction after each request;
    # the test's data lives in that transaction. Django's own test client disconnects it too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


BOUNDED = settings(
    # About 30 seconds for the whole API on two cores; the seed makes a failure replayable.
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def focal_point_session():
    """Cookies and CSRF token of Bilbao's focal point (demo), signed in."""
    client = Client()
    client.force_login(User.objects.get(email="focal.bilbao@cityloom.demo"))
    token = get_random_string(32)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}, token


@pytest.mark.slow
@schema.parametrize()
@seed(20240610)
@settings(
    # About 30 seconds for the whole API on two cores; the seed makes a failure replayable.
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api_operation_conforms_to_its_schema(case, focal_point_session):
    # Where schemathesis sends a session cookie (any string fits the schema), send a real one,
    # as a signed-in focal point does: the operations behind it run too. Its checks still drop
    # or spoil the cookie to test that those operations refuse anonymous callers.
    if "sessionid" in (case.cookies or {}):
        cookies, token = focal_point_session
        case.cookies = {**case.cookies, **cookies}
        case.headers = {**(case.headers or {}), "X-CSRFToken": token}
    # The WSGI transport hands the body over as sent: ask for it uncompressed (GZipMiddleware
    # would otherwise answer the "gzip, deflate" schemathesis's client sends by default).
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    # Every built-in check: no 5xx, documented status codes, content types and bodies,
    # schema-invalid input refused, schema-valid input accepted, authentication enforced.
    case.call_and_validate()
