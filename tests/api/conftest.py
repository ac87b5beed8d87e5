import pytest
from django.core.management import call_command
from django.db import transaction

DEMOS = ["load_demo"]  # every app's demo/*.yaml


@pytest.fixture(scope="module")
def demo_network(django_db_setup, django_db_blocker):
    """The demo network, loaded once per module and rolled back after it: every endpoint has rows."""
    with django_db_blocker.unblock(), transaction.atomic():
        for command in DEMOS:
            call_command(command, verbosity=0)
        yield
        transaction.set_rollback(True)
