"""News with an image under the upload policy, its feeds, and the secretariat's pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cityloom.communications.admin import DocumentForm, NewsPostForm
from cityloom.communications.models import Document, NewsPost, Page

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _news_data(commission, slug="digital-week"):
    return {
        "commission": commission.pk,
        "slug": slug,
        "title": "Digital week",
        "title_fr": "Semaine digitale",
        "title_es": "Semana digital",
        "body": "Talks and **concerts**.",
        "image_alt": "The stage",
        "published_at": "2013-03-25 12:00",
    }


def test_news_image_is_checked_by_its_bytes_and_served(client, commission):
    form = NewsPostForm(
        _news_data(commission), {"image": SimpleUploadedFile("stage.png", PNG, "image/png")}
    )
    assert form.is_valid(), form.errors
    post = form.save()
    assert post.image_type == "image/png"
    assert post.image.name.startswith("news/")
    assert post.image.name.endswith(".png")
    response = client.get(reverse("communications:news-image", args=[post.slug]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get("/fr/news/digital-week/").content.decode()
    assert "Semaine digitale" in page
    assert "<strong>concerts</strong>" in page


def test_news_image_that_is_not_an_image_is_refused(commission):
    fake = SimpleUploadedFile("stage.png", b"<script>alert(1)</script>", "image/png")
    form = NewsPostForm(_news_data(commission), {"image": fake})
    assert not form.is_valid()
    assert "not of an accepted type" in str(form.errors["image"])
    assert NewsPost.objects.count() == 0


def test_markdown_of_a_post_runs_no_html(client, commission):
    NewsPost.objects.create(
        commission=commission,
        slug="x",
        title="X",
        body="<script>alert(1)</script> [link](javascript:alert(1))",
        published_at=dt.datetime(2013, 1, 1, tzinfo=dt.UTC),
    )
    page = client.get(reverse("communications:news-detail", args=["x"])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript' not in page


def test_unpublished_news_is_not_shown(client, commission):
    NewsPost.objects.create(commission=commission, slug="draft", title="Draft", body="x")
    assert client.get(reverse("communications:news-detail", args=["draft"])).status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_news_list_and_feeds_queries_do_not_grow(client, commission, n, django_assert_num_queries):
    for i in range(n):
        NewsPost.objects.create(
            commission=commission,
            slug=f"p{i}",
            title=f"Post {i}",
            body="x",
            published_at=dt.datetime(2013, 1, 1 + i, tzinfo=dt.UTC),
        )
    with django_assert_num_queries(1):
        assert client.get(reverse("communications:news-list")).status_code == 200
    with django_assert_num_queries(1):
        rss = client.get(reverse("communications:news-feed")).content.decode()
    assert rss.count("<item>") == n
    with django_assert_num_queries(1):
        atom = client.get(reverse("communications:news-feed-atom")).content.decode()
    assert atom.count("<entry>") == n


def test_page_with_a_document_to_download(client, commission):
    page = Page.objects.create(commission=commission, slug="documents", title="Documents")
    form = DocumentForm(
        {"title": "The 2013 report"},
        {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        instance=Document(page=page),
    )
    assert form.is_valid(), form.errors
    document = form.save()
    assert (document.content_type, document.original_name) == ("application/pdf", "report.pdf")
    html = client.get(reverse("communications:page", args=["documents"])).content.decode()
    assert "The 2013 report" in html
    download = client.get(reverse("communications:document", args=["documents", document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="report.pdf"' in download["Content-Disposition"]
    assert (
        client.get(reverse("communications:document", args=["about", document.pk])).status_code
        == 404
    )
