import pytest

from cityloom.observatory.fetching import Limits
from tests.observatory.feedserver import FeedServer

# The feed server listens on this loopback address; the tests allow exactly this one, so that
# everything else non-public (127.0.0.1 included) stays refused as in production.
FEED_NETWORK = "127.0.0.2/32"


@pytest.fixture
def feeds(settings):
    settings.CITYLOOM_FEED_ALLOWED_NETWORKS = [FEED_NETWORK]
    with FeedServer() as server:
        yield server


@pytest.fixture
def limits():
    """Small limits so the slow and huge feeds fail fast."""
    return Limits(
        timeout=0.5,
        deadline=1.5,
        max_bytes=256 * 1024,
        attempts=2,
        retry_delay=0,
        allowed_networks=(FEED_NETWORK,),
    )
