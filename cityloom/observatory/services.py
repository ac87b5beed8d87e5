"""Writes of the observatory: publications, feeds and their polling."""

import datetime as dt
import io
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityloom.core import uploads
from cityloom.core.errors import ServiceError
from cityloom.core.models import record
from cityloom.core.tags import known_tags, tag_slug, tags_named
from cityloom.core.text import fold

from . import fetching, permissions
from .models import Publication, Source

log = logging.getLogger(__name__)

DOCUMENTS = uploads.Policy(types=(uploads.PDF,), max_bytes=20 * 1024 * 1024)
MAX_TEXT_CHARS = 500_000

# What the source's page says for each FeedError code.
ERRORS = {
    "scheme": gettext_lazy("The address must start with http:// or https://."),
    "timeout": gettext_lazy("The feed did not answer in time."),
    "too_big": gettext_lazy("The feed is bigger than the limit; it was not read."),
    "redirects": gettext_lazy("The feed redirects too many times (or in a loop)."),
    "http": gettext_lazy("The feed's server answered with an error."),
    "unreachable": gettext_lazy("The feed's server could not be reached."),
    "forbidden": gettext_lazy(
        "This address is not on the public internet; Cityloom only follows public feeds."
    ),
    "invalid": gettext_lazy("The feed is not well-formed XML."),
    "not_a_feed": gettext_lazy("This address does not serve an RSS or Atom feed."),
    "internal": gettext_lazy("The feed could not be processed."),
}


def _search_text(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


def extract_pdf_text(upload) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        text, size = [], 0
        for page in reader.pages[:300]:
            chunk = page.extract_text() or ""
            text.append(chunk)
            size += len(chunk)
            if size > MAX_TEXT_CHARS:
                break
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ServiceError(
            _("This PDF could not be read; check that it is not damaged."), code="pdf_unreadable"
        ) from exc
    finally:
        upload.seek(0)
    return "\n".join(text)[:MAX_TEXT_CHARS]


def add_publication(
    *,
    by,
    title: str,
    pdf=None,
    tags=(),
    axes=(),
    url: str = "",
    published_at: dt.datetime | None = None,
    **fields,
) -> Publication:
    """A reference document: a link, an uploaded PDF (checked and read for search), or both."""
    if not permissions.can_manage(by):
        raise PermissionDenied
    if not url and pdf is None:
        raise ServiceError(_("Give a link or upload the PDF."), code="no_document")
    text = ""
    if pdf is not None:
        checked = uploads.check(pdf, DOCUMENTS)
        text = extract_pdf_text(pdf)
    with transaction.atomic():
        publication = Publication(
            title=title,
            url=url,
            axes=list(axes),
            text=text,
            published_at=published_at or timezone.now(),
            added_by=by,
            **fields,
        )
        publication.search_text = _search_text(
            title, publication.authors, publication.summary, text
        )
        publication.full_clean(exclude=["pdf"])
        if pdf is not None:
            publication.pdf_size = checked.size
            uploads.store(publication.pdf, pdf, checked)
        try:
            publication.save()
        except Exception:
            if publication.pdf:
                publication.pdf.delete(save=False)
            raise
        publication.tags.set(tags_named(tags))
        record("publication.added", publication, actor=by)
    return publication


def register_source(*, by, url: str, title: str, **fields) -> Source:
    """Follow a feed; its first poll is queued once the registration is committed."""
    if not permissions.can_manage(by):
        raise PermissionDenied
    with transaction.atomic():
        if Source.objects.filter(url=url).exists():
            raise ServiceError(_("This feed is already followed."), code="duplicate")
        source = Source(url=url, title=title, **fields)
        source.full_clean()
        source.save()
        record("source.registered", source, actor=by)
        _queue_poll(source)
    return source


def request_poll(source: Source, *, by) -> None:
    """Queue a poll of the feed now, whatever its turn."""
    if not permissions.can_manage(by):
        raise PermissionDenied
    with transaction.atomic():
        _queue_poll(source)


def _queue_poll(source: Source) -> None:
    # On commit: the worker must find the row, and a rolled-back registration polls nothing.
    from .tasks import poll_source

    transaction.on_commit(lambda: poll_source.enqueue(source.pk))


def _store(source: Source, entries: list[fetching.Entry]) -> int:
    """Add the entries not seen before (by id, then by link); returns how many were added."""
    guids = [e.guid for e in entries]
    links = [e.link for e in entries if e.link]
    seen_guids = set(source.publications.filter(guid__in=guids).values_list("guid", flat=True))
    seen_links = set(source.publications.filter(url__in=links).values_list("url", flat=True))
    existing_tags = known_tags()
    added = 0
    for entry in entries:
        if entry.guid in seen_guids or (entry.link and entry.link in seen_links):
            continue
        seen_guids.add(entry.guid)
        seen_links.add(entry.link)
        summary = strip_tags(entry.summary).strip()
        publication = Publication.objects.create(
            source=source,
            guid=entry.guid,
            title=strip_tags(entry.title).strip()[:300] or entry.guid[:300],
            url=entry.link,
            summary=summary,
            authors=strip_tags(entry.authors)[:300],
            language=source.language,
            axes=[source.axis] if source.axis else [],
            published_at=entry.published_at,
            year=entry.published_at.year,
            search_text=_search_text(entry.title, summary),
        )
        # Feeds only use the existing tags: a feed must not invent the observatory's topics.
        tags = [
            existing_tags[s] for s in {tag_slug(c) for c in entry.categories} if s in existing_tags
        ]
        if tags:
            publication.tags.set(tags)
        added += 1
    return added


def poll_source(source: Source, *, limits: fetching.Limits | None = None) -> int:
    """Fetch the feed and add its new items; a failure is recorded on the source, not raised."""
    limits = limits or fetching.Limits.from_settings()
    now = timezone.now()
    added = 0
    try:
        fetched = fetching.fetch(
            source.url, etag=source.etag, last_modified=source.last_modified, limits=limits
        )
        if not fetched.not_modified:
            entries = fetching.parse(fetched.body)
            with transaction.atomic():
                added = _store(source, entries)
        source.etag, source.last_modified = fetched.etag, fetched.last_modified
        source.last_error, source.error_count = "", 0
        source.last_success_at = now
        source.items_added += added
    except fetching.FeedError as exc:
        # The technical detail goes to the log only: shown on a page, it would tell an
        # attacker which ports answer.
        log.info("feed %s: %s %s", source.url, exc.code, exc.detail)
        source.last_error = exc.code
        source.error_count += 1
    except Exception:  # one bad feed never stops the others
        log.exception("feed %s failed", source.url)
        source.last_error = "internal"
        source.error_count += 1
    source.last_polled_at = now
    # A failing feed is asked less often: the pause doubles, up to a day.
    minutes = source.poll_every_minutes
    if source.error_count:
        minutes = min(minutes * 2 ** min(source.error_count, 10), 24 * 60)
    source.next_poll_at = now + dt.timedelta(minutes=minutes)
    source.save(
        update_fields=[
            "etag",
            "last_modified",
            "last_error",
            "error_count",
            "last_success_at",
            "items_added",
            "last_polled_at",
            "next_poll_at",
            "updated_at",
        ]
    )
    return added


def poll_due_sources(*, limits: fetching.Limits | None = None) -> dict[str, int]:
    """Poll every followed feed whose turn has come; returns items added per feed."""
    now = timezone.now()
    due = (
        Source.objects.filter(is_active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at", "id")
    )
    return {source.url: poll_source(source, limits=limits) for source in due}


def error_message(source: Source) -> str:
    """The translated explanation of the last error (the technical detail is only logged)."""
    if not source.last_error:
        return ""
    code = source.last_error.partition("|")[0]
    return str(ERRORS.get(code, ERRORS["internal"]))
