"""Rendered documents: a document (a report's PDF) built once per state of its data, then served.

The key is (kind, object id, language, format, data version). The data version is a cheap
fingerprint of what the document shows (`fingerprint(facts)`), so a change in the data gives
a new key, hence a new build; the same data is never rendered twice. A page asking for a
document (`request_document`) never renders it: it gets the stored row, and a row seen for the
first time has its build enqueued once (the unique key decides who enqueues). The build runs in
a background task (`build_document`) that reports its progress on the row; a worker that dies
mid-build is handled by cityloom/core/jobs.py (the task runs again, or the row is failed).

Core imports no app: each app registers how to render its kinds (`register("annual-report",
render)`, from its AppConfig.ready), a function `render(object_id, language, fmt, progress)`
returning the bytes, where `progress(percent)` may be called along the way.
"""

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_tasks import task

from .models import RenderedDocument
from .uploads import file_response

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]
Renderer = Callable[[int, str, str, Progress], bytes]

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
# A failed build is tried again by a later request, but not at every page view.
RETRY_AFTER = dt.timedelta(minutes=10)
# The "being prepared" page reloads itself this often, and stops after so many reloads.
REFRESH_SECONDS = 3
MAX_REFRESHES = 40

_renderers: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    """Called by the app that owns `kind` (in its AppConfig.ready)."""
    _renderers[kind] = renderer


def fingerprint(data: object) -> str:
    """A short, stable hash of JSON-able data: the document's data version."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def request_document(
    kind: str, object_id: int, *, language: str, data_version: str, fmt: str = "pdf"
) -> RenderedDocument:
    """The stored document for this state of the data; its build is enqueued once, if new."""
    key = {
        "kind": kind,
        "object_id": object_id,
        "language": language,
        "format": fmt,
        "data_version": data_version,
    }
    document = RenderedDocument.objects.filter(**key).first()
    if document is None:
        try:
            with transaction.atomic():
                document = RenderedDocument.objects.create(**key)
        except IntegrityError:  # another request created it first: it enqueued the build
            return RenderedDocument.objects.get(**key)
        _enqueue(document.pk)
        return document
    if document.status == RenderedDocument.Status.FAILED:
        stale = timezone.now() - RETRY_AFTER
        # The conditional update lets one request only take the failed build up again.
        if RenderedDocument.objects.filter(
            pk=document.pk, status=RenderedDocument.Status.FAILED, updated_at__lt=stale
        ).update(status=RenderedDocument.Status.QUEUED, progress=0, updated_at=timezone.now()):
            _enqueue(document.pk)
            document.refresh_from_db()
    return document


def _enqueue(document_id: int) -> None:
    transaction.on_commit(lambda: build_document.enqueue(document_id))


def _set_progress(document_id: int) -> Progress:
    def progress(percent: int) -> None:
        RenderedDocument.objects.filter(
            pk=document_id, status=RenderedDocument.Status.RUNNING
        ).update(progress=max(0, min(99, int(percent))), updated_at=timezone.now())

    return progress


def build(document_id: int) -> RenderedDocument | None:
    """Render the document and store it; safe to run twice (a done row is left alone)."""
    document = RenderedDocument.objects.filter(pk=document_id).first()
    if document is None:
        return None
    # QUEUED, or RUNNING left behind by a worker that died (the reaper runs the task again).
    claimed = RenderedDocument.objects.filter(
        pk=document_id,
        status__in=(RenderedDocument.Status.QUEUED, RenderedDocument.Status.RUNNING),
    ).update(status=RenderedDocument.Status.RUNNING, progress=1, updated_at=timezone.now())
    if not claimed:
        return document
    renderer = _renderers.get(document.kind)
    try:
        if renderer is None:
            raise LookupError(f"no renderer registered for {document.kind!r}")
        content = renderer(
            document.object_id, document.language, document.format, _set_progress(document_id)
        )
    except Exception as exc:
        logger.exception("document %s (%s): build failed", document_id, document.kind)
        RenderedDocument.objects.filter(pk=document_id).update(
            status=RenderedDocument.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
            finished_at=timezone.now(),
        )
        document.refresh_from_db()
        return document
    name = f"{document.object_id}-{document.language}-{document.data_version}.{document.format}"
    document.file.save(name, ContentFile(content), save=False)
    RenderedDocument.objects.filter(pk=document_id).update(
        status=RenderedDocument.Status.DONE,
        file=document.file.name,
        size=len(content),
        progress=100,
        error="",
        updated_at=timezone.now(),
        finished_at=timezone.now(),
    )
    document.refresh_from_db()
    return document


@task()
def build_document(document_id: int) -> str:
    document = build(document_id)
    status = document.status if document is not None else "missing"
    logger.info("document %s: %s", document_id, status)
    return status


def unfinished_documents(before: dt.datetime) -> list[int]:
    """Builds queued or running, untouched since `before` (for the reaper)."""
    return list(
        RenderedDocument.objects.filter(
            status__in=(RenderedDocument.Status.QUEUED, RenderedDocument.Status.RUNNING),
            updated_at__lt=before,
        ).values_list("pk", flat=True)
    )


def abandon_documents(document_ids: list[int]) -> int:
    """No task will build these any more: failed (a later request tries again)."""
    return RenderedDocument.objects.filter(
        pk__in=document_ids,
        status__in=(RenderedDocument.Status.QUEUED, RenderedDocument.Status.RUNNING),
    ).update(
        status=RenderedDocument.Status.FAILED,
        error="WorkerLost: the build was given up",
        updated_at=timezone.now(),
        finished_at=timezone.now(),
    )


def _url_with(request: HttpRequest, *, wait: int | None) -> str:
    """This page's URL, its other parameters kept (`?draft=1`), with `wait` set or removed."""
    params = request.GET.copy()
    params.pop("wait", None)
    if wait is not None:
        params["wait"] = str(wait)
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


def document_response(
    request: HttpRequest,
    document: RenderedDocument,
    *,
    filename: str,
    title: str,
    back_url: str,
    private: bool = False,
) -> HttpResponse:
    """The stored file, or the "being prepared" page that polls itself a limited number of times."""
    polling = request.headers.get("HX-Request") == "true"
    if document.is_ready and polling:
        # The poll found it ready: the browser itself fetches the file (htmx cannot swap a PDF).
        response = HttpResponse(status=200)
        response["HX-Redirect"] = _url_with(request, wait=None)
        return response
    if document.is_ready:
        return file_response(
            document.file,
            content_type=CONTENT_TYPES.get(document.format, "application/octet-stream"),
            filename=filename,
            private=private,
        )
    try:
        refreshes = max(0, int(request.GET.get("wait", "0")))
    except ValueError:
        refreshes = 0
    failed = document.status == RenderedDocument.Status.FAILED
    keeps_refreshing = not failed and refreshes < MAX_REFRESHES
    return render(
        request,
        "core/document_status.html" if polling else "core/document_preparing.html",
        {
            "document": document,
            "title": title,
            "back_url": back_url,
            "failed": failed,
            "keeps_refreshing": keeps_refreshing,
            "refresh_seconds": REFRESH_SECONDS,
            "next_url": _url_with(request, wait=refreshes + 1),
            "again_url": _url_with(request, wait=None),
        },
        # htmx swaps only 2xx answers: a poll always gets 200.
        status=200 if polling else (503 if failed else 202),
    )
