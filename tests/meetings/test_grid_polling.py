"""The grid status polls while the engine works and stops when the job is stuck (5 unchanged
minutes) or after 30 minutes; the state is said through a polite live region that stays in the
page and changes only when there is something new to say."""

import re

import pytest

from cityloom.meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(client, meeting, secretariat):
    client.force_login(secretariat)
    Meeting.objects.filter(pk=meeting.pk).update(grid_job=Meeting.GridJob.RUNNING)
    return f"/en/meetings/{meeting.slug}/grid/status/"


def _poll_url(body: str) -> str | None:
    found = re.search(r'hx-get="([^"]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def _announce(body: str) -> str | None:
    found = re.search(r'<div id="grid-status-announce"(.*?)</div>', body, re.S)
    return found.group(0) if found else None


def test_first_render_polls_with_a_polite_region(client, url):
    body = client.get(url).content.decode()
    assert _poll_url(body) == f"{url}?poll=1&seen=running&same=0"
    announce = _announce(body)
    assert 'role="status"' in announce
    assert "hx-swap-oob" not in announce
    assert "Grid computation: optimising" in announce


def test_unchanged_state_is_not_announced_again(client, url):
    body = client.get(f"{url}?poll=4&seen=running&same=3").content.decode()
    assert _poll_url(body) == f"{url}?poll=5&seen=running&same=4"
    assert _announce(body) is None


def test_state_change_is_announced_out_of_band(client, url):
    body = client.get(f"{url}?poll=4&seen=queued&same=3").content.decode()
    assert _poll_url(body) == f"{url}?poll=5&seen=running&same=0"
    assert 'hx-swap-oob="innerHTML"' in _announce(body)


def test_stuck_job_stops_polling(client, url):
    body = client.get(f"{url}?poll=299&seen=running&same=299").content.decode()
    assert _poll_url(body) is None
    assert "has not moved for 5 minutes" in _announce(body)


def test_polling_stops_after_thirty_minutes(client, url):
    body = client.get(f"{url}?poll=1799&seen=queued&same=0").content.decode()
    assert _poll_url(body) is None
    assert "after 30 minutes" in _announce(body)
