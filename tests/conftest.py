import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_and_synchronous(settings):
    # MD5 keeps the suite fast; tasks run inline so a test sees their effect at once.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    # Off but in its own tests (tests/core/test_page_cache.py): a view's query count is its own.
    settings.CITYLOOM_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /fr/ leaves French active in the thread: each test starts in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    # Local memory outlives a test's transaction: counters left there by one test would leak.
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(autouse=True)
def _fresh_shared_cache(request):
    """The shared counters live in a table no model owns, so a transactional test's flush
    leaves them behind: such a test starts with them cleared (the others roll back)."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        from django.core.cache import caches

        request.getfixturevalue("transactional_db")
        caches["shared"].clear()


@pytest.fixture(scope="session")
def _catalogs_compiled():
    # The .mo files are build products (ignored by git): a fresh clone gets them here, and a
    # session after a .po change recompiles that catalog only. Complete catalogs are checked by
    # tests/core/test_core.py.
    call_command("compile_catalogs", if_stale=True, verbosity=0)


@pytest.fixture(autouse=True)
def _translations(_catalogs_compiled):
    """Pages are checked in French and Spanish: the .mo files must exist before any request."""


@pytest.fixture
def smtp(settings):
    """Mail delivered to a real SMTP server on 127.0.0.1; read it back from `smtp.messages`."""
    from tests.smtp import LoopbackSMTP

    with LoopbackSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        yield server


@pytest.fixture
def commission(db):
    from tests.factories import CommissionFactory

    return CommissionFactory(
        slug="digital-cities",
        name="Commission on Digital Cities and Knowledge",
        name_fr="Commission des Villes Numériques et de la Connaissance",
        name_es="Comisión de Ciudades Digitales y del Conocimiento",
    )


@pytest.fixture
def secretariat(commission):
    from tests.factories import UserFactory

    person = UserFactory(email="secretariat@example.org")
    commission.secretariat.add(person)
    return person
