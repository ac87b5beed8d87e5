"""The stored PDF (cityloom/core/documents.py): built once per data version, never in a request."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityloom.communications.models import Circular
from cityloom.core import documents
from cityloom.core.models import RenderedDocument
from cityloom.reports import services
from tests.factories import CommissionFactory, UserFactory

from .builders import build_year


@pytest.fixture
def published(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commission = CommissionFactory(slug="digital")
    build_year(commission, 1)
    secretariat = UserFactory()
    commission.secretariat.add(secretariat)
    services.save_texts(
        commission,
        2013,
        by=secretariat,
        language="en",
        introduction="Hello",
        relations="",
        conclusion="",
    )
    services.publish_report(commission, 2013, by=secretariat)
    return commission


PDF_URL = reverse("reports:report-pdf", args=["digital", 2013])


def test_a_visitor_waits_while_the_pdf_is_built_once_then_gets_the_stored_file(
    published, django_capture_on_commit_callbacks
):
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        first = visitor.get(PDF_URL)
        second = visitor.get(PDF_URL + "?wait=1")
    assert (first.status_code, second.status_code) == (202, 202)
    assert len(enqueued) == 1  # the build is enqueued once, whatever the number of requests
    page = first.content.decode()
    assert 'role="status"' in page
    assert 'aria-live="polite"' in page
    assert f'hx-get="{PDF_URL}?wait=1"' in page
    [document] = RenderedDocument.objects.all()
    assert (document.kind, document.language, document.status) == (
        "annual-report",
        "en",
        RenderedDocument.Status.QUEUED,
    )
    enqueued[0]()  # the worker (tasks run inline in the tests)
    document.refresh_from_db()
    assert (document.status, document.progress) == (RenderedDocument.Status.DONE, 100)
    response = visitor.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # The poll of the waiting page, once the file is ready, sends the browser to it.
    poll = visitor.get(PDF_URL + "?wait=3", headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == PDF_URL
    assert RenderedDocument.objects.count() == 1


def test_a_change_in_the_data_gives_a_new_version(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().get(PDF_URL)
    Circular.objects.create(
        commission=published,
        subject="Fourth",
        body="x",
        status=Circular.Status.SENT,
        sent_at=dt.datetime(2013, 12, 1, tzinfo=dt.UTC),
        year=2013,
        number=9,
    )
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert Client().get(PDF_URL).status_code == 202
    assert len(enqueued) == 1
    versions = set(RenderedDocument.objects.values_list("data_version", flat=True))
    assert len(versions) == 2


def test_the_polling_stops_after_a_limit(published):
    page = Client().get(PDF_URL + f"?wait={documents.MAX_REFRESHES}").content.decode()
    assert "hx-get" not in page
    assert "taking longer than usual" in page


def test_a_failed_build_is_tried_again_later_not_at_every_request(
    published, django_capture_on_commit_callbacks
):
    documents.register("broken", lambda *args: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.request_document("broken", 1, language="en", data_version="v1")
    document.refresh_from_db()
    assert document.status == RenderedDocument.Status.FAILED
    assert "ZeroDivisionError" in document.error
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        documents.request_document("broken", 1, language="en", data_version="v1")
    assert enqueued == []
    RenderedDocument.objects.filter(pk=document.pk).update(
        updated_at=timezone.now() - documents.RETRY_AFTER - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        again = documents.request_document("broken", 1, language="en", data_version="v1")
        documents.request_document("broken", 1, language="en", data_version="v1")
    assert len(enqueued) == 1
    assert again.status == RenderedDocument.Status.QUEUED


def test_builds_no_worker_will_take_up_are_given_up(db):
    old = timezone.now() - dt.timedelta(hours=1)
    stale = RenderedDocument.objects.create(kind="k", object_id=1, language="en", data_version="a")
    fresh = RenderedDocument.objects.create(kind="k", object_id=2, language="en", data_version="a")
    RenderedDocument.objects.filter(pk=stale.pk).update(updated_at=old)
    before = timezone.now() - dt.timedelta(minutes=5)
    assert documents.unfinished_documents(before) == [stale.pk]
    assert documents.abandon_documents([stale.pk]) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("failed", "queued")


def test_building_twice_changes_nothing(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().get(PDF_URL)
    [document] = RenderedDocument.objects.all()
    name = document.file.name
    assert documents.build(document.pk).file.name == name


def test_the_draft_pdf_page_polls_the_draft_not_the_public_file(published):
    secretariat = published.secretariat.get()
    client = Client()
    client.force_login(secretariat)
    page = client.get(PDF_URL + "?draft=1").content.decode()
    assert f'hx-get="{PDF_URL}?draft=1&amp;wait=1"' in page
    [document] = RenderedDocument.objects.all()
    assert document.kind == "annual-report-draft"
    documents.build(document.pk)
    poll = client.get(PDF_URL + "?draft=1&wait=2", headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == PDF_URL + "?draft=1"
    response = client.get(PDF_URL + "?draft=1")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
