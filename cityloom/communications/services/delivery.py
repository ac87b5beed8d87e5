"""Delivering a circular: batches of outbox messages, each recipient in their language.

Every recipient's message is an outbox row (cityloom/core/mail.py) keyed by circular and
address, written just before its batch is sent: however often this runs (a retry, a worker
killed and the task run again by the reaper, two workers at once), each person gets one
message. A run takes the recipients whose message is not written yet, or written and never
tried; a message that failed and waits for its retry is the outbox's to send.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from cityloom.communications import queries
from cityloom.communications.models import Circular, CircularRecipient
from cityloom.core import mail

from .base import unsubscribe_token

BATCH_SIZE = 100
TEMPLATE = "communications/email/circular"
LANGUAGES = ("en", "fr", "es")


def _context(circular: Circular, language: str) -> dict[str, str]:
    """What the message says in `language`, as plain strings for the outbox row."""
    subject, body = circular.in_language(language)
    with translation.override(language):
        return {
            "label": str(circular.label),
            "subject": subject,
            "body": body,
            "url": settings.SITE_URL + circular.get_absolute_url(),
            "attachments": "\n".join(
                f"- {a.original_name}: {settings.SITE_URL}"
                + reverse("communications:circular-attachment", args=[circular.pk, a.pk])
                for a in circular.attachments.all()
            ),
        }


def _unsubscribe_url(circular: Circular, recipient: CircularRecipient, language: str) -> str:
    if recipient.person_id is None:
        return ""
    with translation.override(language):
        path = reverse("communications:unsubscribe", args=[unsubscribe_token(recipient.person_id)])
    return settings.SITE_URL + path


def deliver_circular(circular_id: int, *, worker: str = "", batch_size: int = BATCH_SIZE) -> str:
    """Send what is left of the circular, batch by batch; its status when done."""
    circular = queries.circular(circular_id)
    if circular is None:
        return "missing"
    if circular.status != Circular.Status.SENDING:
        return circular.status
    contexts = {language: _context(circular, language) for language in LANGUAGES}
    while batch := queries.pending_recipients(circular_id, limit=batch_size):
        with transaction.atomic():
            written = []
            for recipient in batch:
                if recipient.mail_id is not None:
                    continue
                language = recipient.language if recipient.language in LANGUAGES else "en"
                context = {
                    **contexts[language],
                    "unsubscribe_url": _unsubscribe_url(circular, recipient, language),
                }
                recipient.mail = mail.queue_mail(
                    to=recipient.email,
                    template=TEMPLATE,
                    context=context,
                    language=language,
                    key=recipient.mail_key,
                    deliver=False,
                )
                written.append(recipient)
            CircularRecipient.objects.bulk_update(written, ["mail"])
        mail.send_mail_batch([r.mail_id for r in batch], worker=worker)
        # Progress, for the reaper: a circular still being worked on is not orphaned.
        Circular.objects.filter(pk=circular_id).update(updated_at=timezone.now())
    Circular.objects.filter(pk=circular_id, status=Circular.Status.SENDING).update(
        status=Circular.Status.SENT, updated_at=timezone.now()
    )
    return Circular.Status.SENT


def unfinished_circulars(before: dt.datetime) -> list[int]:
    return queries.unfinished_circulars(before)


def resume_circulars(ids: list[int]) -> None:
    """Circulars still sending that no task will finish: a new task for each."""
    from cityloom.communications.tasks import deliver_circular_task

    for pk in ids:
        deliver_circular_task.enqueue(circular_id=pk)
