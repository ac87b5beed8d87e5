"""The poller against real feeds served on loopback: good, broken, slow and malicious."""

import datetime as dt

import pytest
from django.utils import timezone

from cityloom.core.tags import Tag
from cityloom.observatory import services
from cityloom.observatory.fetching import FeedError, Limits, fetch, parse
from cityloom.observatory.models import Publication, Source
from tests.observatory.feedserver import FeedServer


def _source(feeds, path, **kwargs) -> Source:
    return Source.objects.create(title=path, url=feeds.url(path), **kwargs)


def test_new_items_are_added_once(db, feeds, limits):
    source = _source(feeds, "/rss.xml", axis="mobility", language="en")
    assert services.poll_source(source, limits=limits) == 2
    assert services.poll_source(source, limits=limits) == 0
    items = list(Publication.objects.order_by("published_at"))
    assert [p.title for p in items] == ["Smart mobility in Bilbao", "Open data in Bordeaux"]
    assert items[0].url == "http://example.org/mobility"
    assert items[0].axes == ["mobility"]
    assert items[0].published_at == dt.datetime(2013, 3, 4, 10, tzinfo=dt.UTC)
    # Markup is stripped, scripts with it.
    assert items[0].summary == "Bike sharing grows."
    source.refresh_from_db()
    assert (source.items_added, source.last_error, source.error_count) == (2, "", 0)


def test_second_poll_is_conditional_and_304_adds_nothing(db, feeds, limits):
    source = _source(feeds, "/rss.xml")
    services.poll_source(source, limits=limits)
    source.refresh_from_db()
    assert source.etag == '"v1"'
    assert source.last_modified == "Tue, 05 Mar 2013 10:00:00 GMT"
    services.poll_source(source, limits=limits)
    headers = feeds.requests[-1][1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Tue, 05 Mar 2013 10:00:00 GMT"
    assert Publication.objects.count() == 2


def test_a_new_item_in_a_changed_feed_is_added(db, feeds, limits):
    from tests.observatory.feedserver import RSS_MORE

    source = _source(feeds, "/rss.xml")
    services.poll_source(source, limits=limits)
    feeds.httpd.rss = RSS_MORE
    source.etag = ""  # the server changed its content without a new ETag
    source.save()
    assert services.poll_source(source, limits=limits) == 1
    assert Publication.objects.filter(guid="urn:item:3").count() == 1


def test_atom_items_deduplicated_by_link_too(db, feeds, limits):
    source = _source(feeds, "/atom.xml")
    assert services.poll_source(source, limits=limits) == 1
    assert list(Publication.objects.values_list("title", flat=True)) == ["Movilidad urbana"]


def test_feed_categories_map_to_existing_tags_only(db, feeds, limits):
    open_data = Tag.objects.create(slug="open-data", name="Open data")
    services.poll_source(_source(feeds, "/rss.xml"), limits=limits)
    item = Publication.objects.get(guid="urn:item:1")
    assert list(item.tags.all()) == [open_data]
    assert Tag.objects.count() == 1


def test_redirect_is_followed(db, feeds, limits):
    assert services.poll_source(_source(feeds, "/moved"), limits=limits) == 2


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/error", "http"),
        ("/missing", "http"),
        ("/slow", "timeout"),
        ("/trickle", "timeout"),
        ("/huge", "too_big"),
        ("/declared-huge", "too_big"),
        ("/invalid.xml", "invalid"),
        ("/bomb.xml", "invalid"),
        ("/page.html", "not_a_feed"),
        ("/loop-a", "redirects"),
        ("/to-file", "redirects"),
    ],
)
def test_broken_feed_is_recorded_not_raised(db, feeds, limits, path, code):
    source = _source(feeds, path)
    assert services.poll_source(source, limits=limits) == 0
    source.refresh_from_db()
    assert source.last_error == code
    assert source.error_count == 1
    assert Publication.objects.count() == 0
    assert services.error_message(source) == str(services.ERRORS[code])


def test_external_entities_are_never_resolved(db, feeds, limits):
    services.poll_source(_source(feeds, "/xxe.xml"), limits=limits)
    assert not Publication.objects.filter(title__contains="root:").exists()


def test_unreachable_server(db, limits):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.2", 0))
        port = s.getsockname()[1]
    source = Source.objects.create(title="gone", url=f"http://127.0.0.2:{port}/feed")
    services.poll_source(source, limits=limits)
    source.refresh_from_db()
    assert source.last_error == "unreachable"


def test_transient_error_is_retried(db, feeds, limits):
    assert services.poll_source(_source(feeds, "/flaky"), limits=limits) == 2
    assert feeds.hits["/flaky"] == 2


def test_client_errors_are_not_retried(db, feeds, limits):
    services.poll_source(_source(feeds, "/missing"), limits=limits)
    assert feeds.hits["/missing"] == 1


def test_only_http_schemes_are_fetched():
    with pytest.raises(FeedError) as error:
        fetch("file:///etc/passwd", limits=Limits())
    assert error.value.code == "scheme"


def test_one_broken_feed_does_not_stop_the_others(db, feeds, limits):
    broken = _source(feeds, "/invalid.xml")
    slow = _source(feeds, "/slow")
    good = _source(feeds, "/rss.xml")
    added = services.poll_due_sources(limits=limits)
    assert added == {broken.url: 0, slow.url: 0, good.url: 2}


def test_only_due_and_followed_sources_are_polled(db, feeds, limits):
    now = timezone.now()
    _source(feeds, "/rss.xml", next_poll_at=now + dt.timedelta(minutes=5))
    _source(feeds, "/atom.xml", is_active=False)
    assert services.poll_due_sources(limits=limits) == {}


def test_failing_feed_waits_longer_each_time(db, feeds, limits):
    source = _source(feeds, "/error", poll_every_minutes=60)
    services.poll_source(source, limits=limits)
    first = source.next_poll_at - source.last_polled_at
    services.poll_source(source, limits=limits)
    second = source.next_poll_at - source.last_polled_at
    assert (first, second) == (dt.timedelta(minutes=120), dt.timedelta(minutes=240))


def test_parse_caps_entries():
    items = b"".join(b"<item><title>t%d</title><guid>g%d</guid></item>" % (i, i) for i in range(50))
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
        + items
        + b"</channel></rss>"
    )
    assert len(parse(body, max_entries=10)) == 10


def test_poll_task_runs_through_the_task_backend(db, feeds, settings):
    from cityloom.observatory.tasks import poll_source

    settings.CITYLOOM_FEED_LIMITS = {"timeout": 0.5, "attempts": 1}
    source = _source(feeds, "/rss.xml")
    result = poll_source.enqueue(source.pk)
    assert result.return_value == 2


# Server-side requests: the poller never connects to a non-public address.


@pytest.fixture
def internal():
    """A server on 127.0.0.1, the address the tests do not allow: it must never be reached."""
    with FeedServer(host="127.0.0.1") as server:
        yield server


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/rss.xml",
        "http://localhost:{port}/rss.xml",  # a name that resolves to loopback
        "http://[::ffff:127.0.0.1]:{port}/rss.xml",  # IPv4-mapped
        "http://2130706433:{port}/rss.xml",  # 127.0.0.1 as one number
    ],
)
def test_default_policy_refuses_loopback(db, internal, url):
    source = Source.objects.create(
        title="internal", url=url.format(port=internal.httpd.server_port)
    )
    services.poll_source(source, limits=Limits(attempts=1))
    source.refresh_from_db()
    assert source.last_error == "forbidden"
    assert internal.hits == {}


def test_redirect_to_loopback_is_refused(db, feeds, internal, limits):
    target = f"http://127.0.0.1:{internal.httpd.server_port}/rss.xml"
    source = _source(feeds, "/redirect?to=" + target)
    assert services.poll_source(source, limits=limits) == 0
    source.refresh_from_db()
    assert source.last_error == "forbidden"
    assert internal.hits == {}
    assert Publication.objects.count() == 0


def test_the_error_shown_does_not_tell_open_ports_from_closed(db, feeds, limits):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        closed = s.getsockname()[1]
    open_port = Source.objects.create(title="a", url=feeds.url("/page.html"))
    closed_port = Source.objects.create(title="b", url=f"http://127.0.0.2:{closed}/")
    for source in (open_port, closed_port):
        services.poll_source(source, limits=limits)
        source.refresh_from_db()
        # No errno, no "Connection refused", no port: only the translated explanation.
        assert str(closed) not in services.error_message(source)
        assert "refused" not in services.error_message(source).lower()
        assert "|" not in source.last_error


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", False),  # 6to4
    ],
)
def test_public_address_classification(address, public):
    import ipaddress

    from cityloom.observatory.fetching import is_public_address

    assert is_public_address(ipaddress.ip_address(address)) is public
