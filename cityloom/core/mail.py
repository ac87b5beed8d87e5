"""E-mail goes out from a background task, rendered in the recipient's language, exactly once.

`queue_mail` writes an `OutgoingMail` row inside the caller's transaction: a rolled-back change
sends nothing, a committed one always has its message. After the commit a task delivers the
row: it claims it (queued -> sending, a conditional UPDATE that only one task can win), sends it
with the row's Message-ID, and marks it sent. Running the task again, or two tasks at once,
never sends a message twice.

The one window exactly-once cannot close: the worker dies after the SMTP server accepted the
message and before "sent" is committed (milliseconds). The row stays "sending"; once its worker
has been silent for a lease (CITYLOOM_WORKER_LEASE), the reaper (cityloom/core/jobs.py) puts it
back in the queue and it is sent again. We chose a possible duplicate over a possible loss: a
membership decision or an invitation that never arrives is worse, and the duplicate carries
the same Message-ID, by which mail servers and clients recognise and drop it. A row is sent at
most MAX_ATTEMPTS times in all, then marked failed.

Mass mail (a circular to every member) queues its rows with `deliver=False` and sends them
with `send_mail_batch`: the same claim and mark per row, over one SMTP connection. A recipient
the server refuses for good (5xx) fails at once, the server's answer kept as the reason.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django_tasks import task

from .models import OutgoingMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# An SMTP server that stops answering must not hold a row in "sending" for ever.
SEND_TIMEOUT = 30
# A row "sending" for longer than this is stuck, even if its worker is alive.
STUCK_AFTER = dt.timedelta(hours=1)
# Waits before each new attempt after an SMTP error (the first attempt is at once).
RETRY_DELAYS = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120)]
# A message rendered by its sender (allauth's, whose context holds objects): subject and body.
PRERENDERED = "core/email/prerendered"


def _render(name: str, context: dict) -> str:
    # Plain text: no HTML anywhere, so nothing is escaped ("O'Neil & Co", "?a=1&b=2").
    return get_template(name).template.render(Context(context, autoescape=False))


def render_mail(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """Subject and body of `<template>_subject.txt` / `<template>.txt` in `language`."""
    with translation.override(language):
        subject = _render(f"{template}_subject.txt", context).strip()
        body = _render(f"{template}.txt", context)
    return " ".join(subject.splitlines()), body


def queue_mail(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    key: str | None = None,
    deliver: bool = True,
) -> OutgoingMail:
    """Send after the surrounding transaction commits: a rolled-back write sends nothing.

    `key`, when given, makes the call idempotent: a second mail with the same key is not queued.
    `deliver=False` queues no task: the caller sends the row itself with `send_mail_batch`
    (a circular to thousands of people, one SMTP connection per batch). Should the caller die
    first, the reaper gives the row its own task like any other queued row left behind.
    """
    fields = {"to": to, "template": template, "context": context, "language": language}
    if key is None:
        mail, created = OutgoingMail.objects.create(**fields), True
    else:
        mail, created = OutgoingMail.objects.get_or_create(key=key, defaults=fields)
    if created and deliver:
        # Robust: if the task cannot be queued, the row stays queued and the reaper queues it.
        transaction.on_commit(partial(enqueue_delivery, mail.pk), robust=True)
    return mail


def enqueue_delivery(mail_id: int, *, after: dt.datetime | None = None) -> None:
    delivery = deliver_mail if after is None else deliver_mail.using(run_after=after)
    delivery.enqueue(mail_id=mail_id)


@task()
def deliver_mail(
    mail_id: int | None = None,
    *,
    to: str = "",
    template: str = "",
    context: dict | None = None,
    language: str = "",
) -> str:
    from .jobs import current_worker

    # Tasks queued before the outbox existed carry the message itself: give it a row first.
    if mail_id is None:
        mail_id = OutgoingMail.objects.create(
            to=to, template=template, context=context or {}, language=language
        ).pk
    return send_queued_mail(mail_id, worker=current_worker())


def send_queued_mail(mail_id: int, *, worker: str = "") -> str:
    """Claim, send and mark one queued row; a row already claimed, sent or failed is left alone."""
    return send_mail_batch([mail_id], worker=worker)[mail_id]


def send_mail_batch(mail_ids: Iterable[int], *, worker: str = "") -> dict[int, str]:
    """Claim, send and mark each row, over one SMTP connection; the state of each row after.

    Each row is claimed on its own just before it is sent, so a crash mid-batch leaves the rows
    not reached queued (and the one in flight "sending", for the reaper). A recipient the server
    refuses for good (5xx) fails at once with the server's answer as the reason. A connection
    the server drops is opened again and the message tried once more at once, before the usual
    later retries: the server answered nothing, so it did not take the message.
    """
    results: dict[int, str] = {}
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT)
    try:
        for mail_id in mail_ids:
            results[mail_id] = _send_one(mail_id, worker=worker, connection=connection)
    finally:
        connection.close()
    return results


def _claim(mail_id: int, worker: str) -> tuple[OutgoingMail | None, dt.datetime | None]:
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=mail_id, state=OutgoingMail.State.QUEUED).update(
        state=OutgoingMail.State.SENDING,
        attempts=F("attempts") + 1,
        claimed_by=worker[:64],
        claimed_at=now,
        updated_at=now,
    )
    return OutgoingMail.objects.filter(pk=mail_id).first(), now if claimed else None


def _send_one(mail_id: int, *, worker: str, connection) -> str:
    mail, claimed_at = _claim(mail_id, worker)
    if mail is None:
        return "missing"
    if claimed_at is None:
        return mail.state
    try:
        subject, body = render_mail(mail.template, mail.context, language=mail.language)
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=body,
            to=[mail.to],
            headers={"Message-ID": mail.message_id},
            connection=connection,
        )
        if _send_on(connection, message):
            OutgoingMail.objects.filter(pk=mail_id).update(attempts=F("attempts") + 1)
    except smtplib.SMTPRecipientsRefused as exc:
        connection.close()
        logger.warning("mail %s to %s refused: %s", mail.pk, mail.to, exc.recipients)
        if _is_permanent(exc):
            return _give_up(mail, _refusal(exc))
        return _after_error(mail, exc)
    except Exception as exc:
        connection.close()
        logger.exception("mail %s to %s failed (attempt %s)", mail.pk, mail.to, mail.attempts)
        return _after_error(mail, exc)
    # Guarded by this claim: a row the reaper handed to another task is that task's to mark.
    mine = OutgoingMail.objects.filter(
        pk=mail_id, state=OutgoingMail.State.SENDING, claimed_at=claimed_at
    )
    mine.update(
        state=OutgoingMail.State.SENT,
        subject=subject[:500],
        last_error="",
        sent_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return OutgoingMail.State.SENT


def _send_on(connection, message: EmailMultiAlternatives) -> bool:
    """Send on the open connection; once more on a new one if the server dropped it (True)."""
    try:
        connection.open()
        message.send()
    except (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError):
        connection.close()
        connection.open()
        message.send()
        return True
    return False


def _is_permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    return all(
        isinstance(code, int) and 500 <= code < 600 for code, _msg in exc.recipients.values()
    )


def _refusal(exc: smtplib.SMTPRecipientsRefused) -> str:
    answers = []
    for code, message in exc.recipients.values():
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        answers.append(f"{code} {text}")
    return "Refused: " + "; ".join(answers)


def _give_up(mail: OutgoingMail, error: str) -> str:
    OutgoingMail.objects.filter(pk=mail.pk, state=OutgoingMail.State.SENDING).update(
        state=OutgoingMail.State.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )
    return OutgoingMail.State.FAILED


def _after_error(mail: OutgoingMail, exc: Exception) -> str:
    """Queue the row again a little later, or give it up after MAX_ATTEMPTS."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    rows = OutgoingMail.objects.filter(pk=mail.pk, state=OutgoingMail.State.SENDING)
    # The immediate backend (tests, or no worker) cannot wait: one attempt, then failed.
    if mail.attempts < MAX_ATTEMPTS and deliver_mail.get_backend().supports_defer:
        with transaction.atomic():
            rows.update(state=OutgoingMail.State.QUEUED, last_error=error, updated_at=now)
            after = now + RETRY_DELAYS[min(mail.attempts, len(RETRY_DELAYS)) - 1]
            transaction.on_commit(partial(enqueue_delivery, mail.pk, after=after), robust=True)
        return OutgoingMail.State.QUEUED
    rows.update(state=OutgoingMail.State.FAILED, last_error=error, updated_at=now)
    return OutgoingMail.State.FAILED


def release_stuck_mail(*, alive: set[str], before: dt.datetime) -> int:
    """Rows left "sending" by a worker dead for a lease go back to the queue (see above).

    So do rows "sending" for more than STUCK_AFTER whatever their worker: sending one message
    never takes that long, so the task that claimed it is gone (a database error while it
    recorded the outcome).
    """
    stuck = OutgoingMail.objects.filter(state=OutgoingMail.State.SENDING).filter(
        Q(claimed_at__lt=before) & ~Q(claimed_by__in=alive) | Q(claimed_at__lt=before - STUCK_AFTER)
    )
    released = 0
    for pk, attempts, worker in stuck.values_list("pk", "attempts", "claimed_by"):
        give_up = attempts >= MAX_ATTEMPTS
        released += OutgoingMail.objects.filter(
            pk=pk, state=OutgoingMail.State.SENDING, claimed_by=worker
        ).update(
            state=OutgoingMail.State.FAILED if give_up else OutgoingMail.State.QUEUED,
            last_error=f"worker {worker or '?'} stopped while sending",
            updated_at=timezone.now(),
        )
        logger.warning(
            "mail %s: worker %s stopped while sending it; %s",
            pk,
            worker,
            "given up" if give_up else "queued again",
        )
    return released


def queued_mail(before: dt.datetime) -> list[int]:
    """Rows waiting for a task and untouched since `before`."""
    return list(
        OutgoingMail.objects.filter(
            state=OutgoingMail.State.QUEUED, updated_at__lt=before
        ).values_list("pk", flat=True)
    )


def requeue_mail(ids: list[int]) -> None:
    """Queued rows no task will deliver (the worker died, or queueing failed): new tasks."""
    for pk in ids:
        enqueue_delivery(pk)
    logger.warning("mail %s had no task to deliver it: queued again", ids)
