"""The computation status polls while the job moves, stops when it is done, failed or stuck (or
after 30 minutes), and tells screen readers about a new status through a polite live region that
stays in the page (changed out of band, only when there is something new to say)."""

import re

import pytest

from cityloom.study.models import Computation

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(edition, secretariat, client):
    client.force_login(secretariat)
    return f"/en/study/editions/{edition.pk}/computation/"


def _poll_url(body: str) -> str | None:
    found = re.search(r'hx-get="([^"]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def _announce(body: str) -> str | None:
    found = re.search(r'<div id="computation-announce"(.*?)</div>', body, re.S)
    return found.group(0) if found else None


def test_first_render_polls_and_has_a_polite_region(client, edition, secretariat, url):
    Computation.objects.create(edition=edition, requested_by=secretariat)
    body = client.get(url).content.decode()
    assert _poll_url(body) == f"{url}?poll=1&seen=queued-0&same=0&was=queued"
    announce = _announce(body)
    assert 'role="status"' in announce
    assert "hx-swap-oob" not in announce  # a plain part of the page, there before any change
    assert "Last computation: queued" in announce


def test_unchanged_state_counts_on_and_announces_nothing(client, edition, secretariat, url):
    Computation.objects.create(
        edition=edition, requested_by=secretariat, status="running", progress=40
    )
    body = client.get(f"{url}?poll=7&seen=running-40&same=10&was=running").content.decode()
    assert _poll_url(body) == f"{url}?poll=8&seen=running-40&same=11&was=running"
    assert _announce(body) is None


def test_progress_resets_the_stuck_counter_without_announcing(client, edition, secretariat, url):
    Computation.objects.create(
        edition=edition, requested_by=secretariat, status="running", progress=60
    )
    body = client.get(f"{url}?poll=7&seen=running-40&same=250&was=running").content.decode()
    assert _poll_url(body) == f"{url}?poll=8&seen=running-60&same=0&was=running"
    assert _announce(body) is None


def test_new_status_is_announced_out_of_band(client, edition, secretariat, url):
    Computation.objects.create(
        edition=edition, requested_by=secretariat, status="running", progress=5
    )
    body = client.get(f"{url}?poll=3&seen=queued-0&same=2&was=queued").content.decode()
    assert _poll_url(body) == f"{url}?poll=4&seen=running-5&same=0&was=running"
    announce = _announce(body)
    assert 'hx-swap-oob="innerHTML"' in announce
    assert "Last computation: running" in announce


@pytest.mark.parametrize("status", ["done", "failed"])
def test_finished_job_stops_polling_and_is_announced(client, edition, secretariat, url, status):
    Computation.objects.create(
        edition=edition, requested_by=secretariat, status=status, progress=100
    )
    body = client.get(f"{url}?poll=30&seen=running-90&same=0&was=running").content.decode()
    assert _poll_url(body) is None
    assert "hx-trigger" not in body
    assert f"Last computation: {status}" in _announce(body)


def test_stuck_job_stops_polling_after_five_unchanged_minutes(client, edition, secretariat, url):
    Computation.objects.create(edition=edition, requested_by=secretariat)
    still = client.get(f"{url}?poll=298&seen=queued-0&same=298&was=queued").content.decode()
    assert _poll_url(still).endswith("same=299&was=queued")
    body = client.get(f"{url}?poll=299&seen=queued-0&same=299&was=queued").content.decode()
    assert _poll_url(body) is None
    assert "has not moved for 5 minutes" in _announce(body)


def test_polling_stops_after_thirty_minutes_even_when_moving(client, edition, secretariat, url):
    Computation.objects.create(
        edition=edition, requested_by=secretariat, status="running", progress=41
    )
    body = client.get(f"{url}?poll=1799&seen=running-40&same=0&was=running").content.decode()
    assert _poll_url(body) is None
    assert "stopped following the computation after 30 minutes" in _announce(body)


def test_forged_counters_stop_polling_rather_than_fail(client, edition, secretariat, url):
    Computation.objects.create(edition=edition, requested_by=secretariat)
    response = client.get(f"{url}?poll=abc&seen=<script>&same=x&was=queued")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
