"""The poller against real feeds served on loopback: good, broken, slow and malicious."""

import datetime as dt

import pytest
from django.utils import timezone

from cityloom.observatory import services
from cityloom.observatory.fetching import FeedError, Limits, fetch, parse
from cityloom.observatory.models import Publication, Source
from cityloom.practices.models import Tag


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
    assert source.last_error.split("|")[0] == code
    assert source.error_count == 1
    assert Publication.objects.count() == 0
    message, _detail = services.error_message(source)
    assert message == str(services.ERRORS[code])


def test_external_entities_are_never_resolved(db, feeds, limits):
    services.poll_source(_source(feeds, "/xxe.xml"), limits=limits)
    assert not Publication.objects.filter(title__contains="root:").exists()


def test_unreachable_server(db, limits):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    source = Source.objects.create(title="gone", url=f"http://127.0.0.1:{port}/feed")
    services.poll_source(source, limits=limits)
    source.refresh_from_db()
    assert source.last_error.startswith("unreachable|")


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
