import pytest

from cityloom.observatory.fetching import Limits
from tests.observatory.feedserver import FeedServer


@pytest.fixture
def feeds():
    with FeedServer() as server:
        yield server


@pytest.fixture
def limits():
    """Small limits so the slow and huge feeds fail fast."""
    return Limits(timeout=0.5, deadline=1.5, max_bytes=256 * 1024, attempts=2, retry_delay=0)
