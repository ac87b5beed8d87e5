import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityloom.core.models import AuditEvent
from cityloom.core.tags import Tag
from cityloom.observatory import services, trends
from cityloom.observatory.models import Publication, Source, WatchedTopic
from tests.factories import UserFactory
from tests.practices.factories import PracticeFactory


@pytest.fixture(scope="module")
def pdf_with_text():
    from weasyprint import HTML

    return HTML(string="<p>Observatoire de la mobilité urbaine</p>").write_pdf()


def _pub(**kwargs):
    defaults = {"title": "Report", "published_at": dt.datetime(2013, 1, 1, tzinfo=dt.UTC)}
    return Publication.objects.create(**{**defaults, **kwargs})


def test_uploaded_pdf_is_read_for_search(client, secretariat, pdf_with_text, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(secretariat)
    response = client.post(
        "/en/observatory/publications/new/",
        {
            "title": "Urban mobility",
            "language": "fr",
            "axes": ["mobility"],
            "tags": "transport",
            "pdf": SimpleUploadedFile("x.pdf", pdf_with_text),
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert "mobilité urbaine" in publication.text
    assert publication.pdf_size == len(pdf_with_text)
    found = client.get("/en/observatory/publications/?q=MOBILITE+urbaine").context["page"]
    assert list(found.object_list) == [publication]


def test_uploaded_pdf_is_stored_under_a_random_name(secretariat, pdf_with_text, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    names = [
        services.add_publication(
            by=secretariat,
            title="Mobility",
            pdf=SimpleUploadedFile("mobility 2013.pdf", pdf_with_text),
        ).pdf.name
        for _ in range(2)
    ]
    assert all(re.fullmatch(r"observatory/[a-z0-9]{32}\.pdf", name) for name in names)
    assert names[0] != names[1]
    assert sorted(p.name for p in (tmp_path / "observatory").iterdir()) == sorted(
        name.rsplit("/", 1)[1] for name in names
    )


def test_everyone_downloads_the_pdf_as_an_attachment(
    client, secretariat, pdf_with_text, settings, tmp_path
):
    # The observatory is public: its documents are for every reader, logged in or not.
    settings.MEDIA_ROOT = tmp_path
    publication = services.add_publication(
        by=secretariat,
        title="Mobilité urbaine : état des lieux",
        pdf=SimpleUploadedFile("x.pdf", pdf_with_text),
    )
    response = client.get(f"/en/observatory/publications/{publication.pk}/document.pdf")
    assert b"".join(response.streaming_content) == pdf_with_text
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="mobilite-urbaine-etat-des-lieux.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    without = _pub(url="https://example.org/report")
    assert client.get(f"/en/observatory/publications/{without.pk}/document.pdf").status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf", "Ce fichier n'est pas d'un type accepté (PDF)."),
        (
            b"<html><script>alert(1)</script></html>",
            "Ce fichier n'est pas d'un type accepté (PDF).",
        ),
        (b"%PDF-1.4 garbage without structure", "Ce PDF n'a pas pu être lu"),
    ],
)
def test_bad_pdf_gets_a_translated_error_and_nothing_is_written(
    client, secretariat, settings, tmp_path, content, message
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(secretariat)
    response = client.post(
        "/fr/observatory/publications/new/",
        {"title": "X", "language": "fr", "pdf": SimpleUploadedFile("x.pdf", content)},
    )
    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert Publication.objects.count() == 0
    assert not (tmp_path / "observatory").exists()


def test_oversize_pdf_is_refused_with_the_limit_named(client, secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(secretariat)
    big = b"%PDF-" + b"0" * services.DOCUMENTS.max_bytes
    response = client.post(
        "/en/observatory/publications/new/",
        {"title": "Big", "language": "en", "pdf": SimpleUploadedFile("big.pdf", big)},
    )
    assert response.context["form"].errors == {
        "pdf": ["The file is too big (20.0\xa0MB); the limit is 20.0\xa0MB."]
    }
    assert Publication.objects.count() == 0
    assert not (tmp_path / "observatory").exists()


def test_members_cannot_add_publications_or_see_feeds(client, db):
    person = UserFactory()
    client.force_login(person)
    assert client.get("/en/observatory/publications/new/").status_code == 403
    assert client.get("/en/observatory/feeds/").status_code == 403
    client.logout()
    assert client.get("/en/observatory/feeds/").status_code == 302


def test_source_page_shows_the_error_translated(client, secretariat):
    source = Source.objects.create(
        title="Broken", url="http://127.0.0.1:9/feed", last_error="invalid|line 1"
    )
    client.force_login(secretariat)
    body = client.get(f"/es/observatory/feeds/{source.pk}/").content.decode()
    assert "El canal no es XML bien formado." in body
    # The technical detail is logged, never shown: it would tell which ports answer.
    assert "line 1" not in body


def test_registering_a_feed_polls_it(
    client, secretariat, feeds, settings, django_capture_on_commit_callbacks
):
    settings.CITYLOOM_FEED_LIMITS = {"timeout": 1, "attempts": 1}
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True) as polls:
        response = client.post(
            "/en/observatory/feeds/",
            {"title": "News", "url": feeds.url("/rss.xml"), "axis": "", "language": "en",
             "poll_every_minutes": 30},
        )  # fmt: skip
    assert response.status_code == 302
    assert len(polls) == 1
    source = Source.objects.get()
    assert source.items_added == 2
    assert AuditEvent.objects.filter(verb="source.registered").get().target_id == str(source.pk)
    assert (
        client.post(
            "/en/observatory/feeds/",
            {
                "title": "Again",
                "url": "ftp://127.0.0.1/x",
                "language": "en",
                "poll_every_minutes": 30,
            },
        ).status_code
        == 200
    )
    assert Source.objects.count() == 1


def test_publication_filters(client, db):
    _pub(title="Mobility report", axes=["mobility"], language="en", search_text="mobility report")
    _pub(title="Budget", axes=["governance"], language="es", search_text="budget")

    def titles(q):
        return [p.title for p in client.get(f"/en/observatory/publications/?{q}").context["page"]]

    assert titles("axis=mobility") == ["Mobility report"]
    assert titles("language=es") == ["Budget"]
    assert titles("q=report") == ["Mobility report"]
    body = client.get("/api/v1/publications?axis=governance").json()
    assert [p["title"] for p in body["items"]] == ["Budget"]


def test_bucket_starts():
    assert trends.bucket_starts(dt.date(2012, 2, 10), dt.date(2012, 8, 1), "quarter") == [
        dt.date(2012, 1, 1), dt.date(2012, 4, 1), dt.date(2012, 7, 1),
    ]  # fmt: skip
    assert trends.bucket_starts(dt.date(2011, 5, 1), dt.date(2013, 1, 1), "year") == [
        dt.date(2011, 1, 1), dt.date(2012, 1, 1),
    ]  # fmt: skip


def test_trends_count_axes_topics_and_watch_list(db):
    bikes = Tag.objects.create(slug="bikes", name="bikes")
    budget = Tag.objects.create(slug="budget", name="budget")
    old = _pub(axes=["governance"], published_at=dt.datetime(2011, 6, 1, tzinfo=dt.UTC))
    old.tags.add(budget)
    new = _pub(axes=["mobility"], search_text="bicicleta publica",
               published_at=dt.datetime(2012, 2, 1, tzinfo=dt.UTC))  # fmt: skip
    new.tags.add(bikes)
    p = PracticeFactory(axis="mobility", title="Vélos en libre-service",
                        published_at=dt.datetime(2012, 8, 1, tzinfo=dt.UTC))  # fmt: skip
    p.tags.add(bikes)
    WatchedTopic.objects.create(axis="mobility", label="Bike sharing", terms="bicicleta, vélo")
    result = trends.trends(dt.date(2012, 1, 1), dt.date(2013, 1, 1), "quarter")
    assert result.labels == ["2012 Q1", "2012 Q2", "2012 Q3", "2012 Q4"]
    assert result.axes["mobility"] == [1, 0, 1, 0]
    assert result.axes["governance"] == [0, 0, 0, 0]
    assert result.rising == [("bikes", 2, 0)]
    assert result.falling == [("budget", 0, 1)]
    assert result.watch == {"mobility": [("Bike sharing", [1, 0, 1, 0], 2)]}


def test_trends_page_has_chart_and_table(client, db):
    WatchedTopic.objects.create(axis="mobility", label="Bike sharing", terms="bike")
    response = client.get("/fr/observatory/trends/?start=2012-01-01&end=2013-01-01&bucket=quarter")
    body = response.content.decode()
    assert body.count('<svg class="chart"') == 2
    assert "<caption>Pratiques et publications par axe</caption>" in body
    bad = client.get("/en/observatory/trends/?start=2013-01-01&end=2012-01-01&bucket=year")
    assert "The period must end after it starts." in bad.content.decode()
    assert client.get("/api/v1/trends?start=2013-01-01&end=2012-01-01").status_code == 422


def test_poll_now_queues_a_poll_once_committed(
    client, secretariat, django_capture_on_commit_callbacks
):
    source = Source.objects.create(title="Quiet", url="http://127.0.0.1:9/feed", is_active=False)
    client.force_login(UserFactory())
    assert client.post(f"/en/observatory/feeds/{source.pk}/poll/").status_code == 403
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks() as polls:
        response = client.post(f"/en/observatory/feeds/{source.pk}/poll/")
    assert response.status_code == 302
    assert len(polls) == 1


# Pages that list things: the number of queries does not grow with the number of rows.


def _sources_with_items(n):
    sources = [
        Source.objects.create(title=f"Feed {i}", url=f"https://f{i}.example/rss") for i in range(n)
    ]
    for i, source in enumerate(sources):
        _pub(title=f"Item {i}", source=source, guid=f"g{i}", search_text=f"item {i}")
    return sources


@pytest.mark.parametrize("n", [1, 3])
def test_home_and_publication_list_do_not_grow(client, db, django_assert_num_queries, n):
    _sources_with_items(n)
    with django_assert_num_queries(1):
        response = client.get("/en/observatory/")
    assert len(response.context["latest"]) == n
    with django_assert_num_queries(2):
        response = client.get("/en/observatory/publications/?q=item")
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 3])
def test_publication_page_does_not_grow_with_tags(client, db, django_assert_num_queries, n):
    publication = _pub(source=_sources_with_items(1)[0], guid="x")
    publication.tags.set([Tag.objects.create(slug=f"t{i}", name=f"T{i}") for i in range(n)])
    with django_assert_num_queries(2):
        response = client.get(f"/en/observatory/publications/{publication.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_feed_pages_do_not_grow(client, secretariat, django_assert_num_queries, n):
    source = _sources_with_items(n)[0]
    for i in range(n - 1):
        _pub(title=f"More {i}", source=source, guid=f"more{i}")
    client.force_login(secretariat)
    with django_assert_num_queries(4):
        response = client.get("/en/observatory/feeds/")
    assert len(response.context["sources"]) == n
    with django_assert_num_queries(5):
        response = client.get(f"/en/observatory/feeds/{source.pk}/")
    assert len(response.context["items"]) == n
