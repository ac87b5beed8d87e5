"""Writing, numbering and sending circulars (the delivery itself is in `delivery`)."""

import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.communications import audiences, permissions, queries
from cityloom.communications.models import Circular, CircularAttachment, CircularRecipient
from cityloom.core import uploads
from cityloom.core.models import record
from cityloom.network.models import Commission

from .base import CommunicationsError, PermissionDenied

logger = logging.getLogger(__name__)

ATTACHMENTS = uploads.Policy(types=uploads.OFFICE_AND_IMAGES, max_bytes=10 * 1024 * 1024)
MAX_ATTACHMENTS = 10
TEXT_FIELDS = ("subject", "subject_fr", "subject_es", "body", "body_fr", "body_es")
# Two secretaries sending at the same moment: the loser of the unique number takes the next.
NUMBERING_ATTEMPTS = 5


def _check_audience(commission: Commission, audience: str, value: str) -> None:
    kind = audiences.get(audience)
    if kind is None:
        raise CommunicationsError(_("Choose who the circular goes to."), field="audience")
    if kind.options is not None and not value:
        raise CommunicationsError(
            _("Choose the %(what)s the circular goes to.")
            % {"what": str(kind.value_label).lower()},
            field="audience_value",
        )


def _store_attachments(circular: Circular, files) -> None:
    files = list(files or [])
    if circular.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise CommunicationsError(
            ngettext(
                "A circular has at most %(n)d attachment.",
                "A circular has at most %(n)d attachments.",
                MAX_ATTACHMENTS,
            )
            % {"n": MAX_ATTACHMENTS},
            field="attachments",
        )
    checked = []
    for upload in files:
        try:
            checked.append((upload, uploads.check(upload, ATTACHMENTS)))
        except ValidationError as exc:  # the policy's message, named after the file
            message = " ".join(exc.messages)
            raise CommunicationsError(
                _("%(file)s: %(error)s")
                % {"file": uploads.clean_name(upload.name), "error": message},
                field="attachments",
            ) from exc
    for upload, ok in checked:
        attachment = CircularAttachment(
            circular=circular,
            content_type=ok.content_type,
            original_name=ok.original_name,
            size=ok.size,
        )
        uploads.store(attachment.file, upload, ok)
        attachment.save()


def create_circular(
    commission: Commission,
    *,
    by,
    audience: str,
    audience_value: str = "",
    is_formal: bool = False,
    attachments=(),
    **texts: str,
) -> Circular:
    """A draft circular of `commission`, written by its secretariat."""
    if not permissions.is_secretariat_of(by, commission.pk):
        raise PermissionDenied
    _check_audience(commission, audience, audience_value)
    with transaction.atomic():
        circular = Circular.objects.create(
            commission=commission,
            created_by=by,
            audience=audience,
            audience_value=audience_value,
            is_formal=is_formal,
            **{k: texts.get(k, "") for k in TEXT_FIELDS},
        )
        _store_attachments(circular, attachments)
        record("circular.created", circular, actor=by)
    return circular


def update_circular(
    circular: Circular,
    *,
    by,
    audience: str,
    audience_value: str = "",
    is_formal: bool = False,
    attachments=(),
    **texts: str,
) -> Circular:
    if not permissions.can_manage_circular(by, circular):
        raise PermissionDenied
    if circular.status != Circular.Status.DRAFT:
        raise CommunicationsError(_("This circular was sent: it can no longer be changed."))
    _check_audience(circular.commission, audience, audience_value)
    with transaction.atomic():
        for name in TEXT_FIELDS:
            setattr(circular, name, texts.get(name, ""))
        circular.audience, circular.audience_value = audience, audience_value
        circular.is_formal = is_formal
        circular.save()
        _store_attachments(circular, attachments)
    return circular


def _next_number(commission_id: int, year: int) -> int:
    last = Circular.objects.filter(commission_id=commission_id, year=year).aggregate(
        n=Max("number")
    )["n"]
    return (last or 0) + 1


def assign_number(circular: Circular, *, year: int) -> None:
    """The next number of the year: unique per commission and year, retried on a collision."""
    for _attempt in range(NUMBERING_ATTEMPTS):
        number = _next_number(circular.commission_id, year)
        try:
            with transaction.atomic():  # a savepoint: the collision leaves the outer work intact
                Circular.objects.filter(pk=circular.pk).update(year=year, number=number)
        except IntegrityError:
            logger.info("circular number %s/%s taken meanwhile: next", number, year)
            continue
        circular.year, circular.number = year, number
        return
    raise CommunicationsError(_("The circular could not be numbered; try again."))


def send_circular(circular: Circular, *, by, expected: int) -> int:
    """Number the circular, fix its recipients and queue its delivery; how many will be e-mailed.

    `expected` is the count the sender confirmed: if the audience changed since the preview,
    nothing is sent and the sender looks again.
    """
    from cityloom.communications.tasks import deliver_circular_task

    if not permissions.can_manage_circular(by, circular):
        raise PermissionDenied
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        if locked.status != Circular.Status.DRAFT:
            raise CommunicationsError(_("This circular was already sent."))
        if not locked.subject.strip() or not locked.body.strip():
            raise CommunicationsError(_("Write at least the English subject and text."))
        recipients = queries.audience_people(locked)
        if not recipients:
            raise CommunicationsError(
                _("Nobody would receive this circular: choose another audience.")
            )
        if len(recipients) != expected:
            raise CommunicationsError(
                ngettext(
                    "The audience changed since the preview: it now has %(n)d person. "
                    "Look at the preview again before sending.",
                    "The audience changed since the preview: it now has %(n)d people. "
                    "Look at the preview again before sending.",
                    len(recipients),
                )
                % {"n": len(recipients)}
            )
        now = timezone.now()
        assign_number(locked, year=now.year)
        CircularRecipient.objects.bulk_create(
            [
                CircularRecipient(
                    circular=locked, person_id=r.person_id, email=r.email, language=r.language
                )
                for r in recipients
            ],
            batch_size=500,
        )
        Circular.objects.filter(pk=locked.pk).update(
            status=Circular.Status.SENDING, sent_at=now, updated_at=now
        )
        record("circular.sent", locked, actor=by, recipients=len(recipients))
        transaction.on_commit(
            partial(deliver_circular_task.enqueue, circular_id=locked.pk), robust=True
        )
    circular.refresh_from_db()
    return len(recipients)
