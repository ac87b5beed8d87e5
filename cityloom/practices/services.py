"""Writes on practices: each public function is one transaction, called by every entry point."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cityloom.core import uploads
from cityloom.core.errors import ServiceError
from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.core.tags import tags_named
from cityloom.network import queries as network_queries
from cityloom.network.models import City, Commission

from . import permissions, search
from .models import (
    Attachment,
    Compendium,
    CompendiumEntry,
    Conversation,
    LabelReview,
    Message,
    Practice,
    PracticeSdg,
    PracticeTranslation,
    Transfer,
)

User = get_user_model()

ATTACHMENTS = uploads.Policy(
    types=(uploads.PDF, uploads.PNG, uploads.JPEG), max_bytes=10 * 1024 * 1024
)
PRACTICE_FIELDS = {
    "title",
    "summary",
    "axis",
    "problem",
    "solution",
    "results",
    "figures",
    "cost_range",
    "partners",
    "started_on",
    "ended_on",
    "contact",
    "language",
    "indicator_codes",
    "indicator_note",
}


class PracticeError(ServiceError):
    """A write that must not happen; the message is for the person who asked."""


def _check_fields(city: City, fields: dict) -> None:
    contact = fields.get("contact")
    if contact is not None and contact.city_id != city.pk:
        raise PracticeError(
            _("The contact person must belong to %(city)s.") % {"city": city.name},
            code="contact_city",
        )
    unknown = set(fields) - PRACTICE_FIELDS
    if unknown:
        raise TypeError(f"unknown practice fields: {sorted(unknown)}")


def _commission_for(city: City, commission: Commission | None) -> Commission:
    membership = network_queries.first_active_membership(city, commission=commission)
    if membership is None:
        raise PracticeError(
            _("%(city)s is not an active member: it cannot share practices here.")
            % {"city": city.name},
            code="not_member",
        )
    return membership.commission


def draft_practice(
    city: City,
    *,
    by,
    commission: Commission | None = None,
    sdgs: Iterable[int] = (),
    tags: Iterable[str] = (),
    **fields,
) -> Practice:
    """A new draft practice of `city`, by one of its people."""
    if not permissions.can_draft_for(by, city):
        raise PermissionDenied
    with transaction.atomic():
        _check_fields(city, fields)
        practice = Practice(
            city=city, commission=_commission_for(city, commission), created_by=by, **fields
        )
        practice.copy_city_facets()
        practice.full_clean()
        practice.save()
        practice.tags.set(tags_named(tags))
        PracticeSdg.objects.bulk_create(
            [PracticeSdg(practice=practice, goal=g) for g in sorted(set(sdgs))]
        )
        search.index_practice(practice)
        record("practice.drafted", practice, actor=by)
    return practice


def update_practice(
    practice: Practice,
    *,
    by,
    sdgs: Iterable[int] | None = None,
    tags: Iterable[str] | None = None,
    **fields,
) -> Practice:
    if not permissions.can_edit(by, practice):
        raise PermissionDenied
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        _check_fields(practice.city, fields)
        for name, value in fields.items():
            setattr(practice, name, value)
        practice.copy_city_facets()
        practice.full_clean()
        practice.save()
        if tags is not None:
            practice.tags.set(tags_named(tags))
        if sdgs is not None:
            practice.sdgs.all().delete()
            PracticeSdg.objects.bulk_create(
                [PracticeSdg(practice=practice, goal=g) for g in sorted(set(sdgs))]
            )
        search.index_practice(practice)
        record("practice.updated", practice, actor=by, fields=sorted(fields))
    return practice


def publish_practice(practice: Practice, *, by) -> Practice:
    """The city's focal point makes the draft public."""
    if not permissions.can_publish(by, practice):
        raise PermissionDenied
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if practice.is_published:
            raise PracticeError(_("This practice is already published."), code="published")
        practice.status = Practice.Status.PUBLISHED
        practice.published_at = timezone.now()
        practice.published_by = by
        practice.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        record("practice.published", practice, actor=by)
    return practice


def unpublish_practice(practice: Practice, *, by) -> Practice:
    if not permissions.can_publish(by, practice):
        raise PermissionDenied
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        practice.status = Practice.Status.DRAFT
        practice.save(update_fields=["status", "updated_at"])
        record("practice.unpublished", practice, actor=by)
    return practice


def save_translation(
    practice: Practice, *, language: str, by, title: str, summary: str, **fields
) -> PracticeTranslation:
    """Add or replace the practice's translation into `language` (never its own language)."""
    if not permissions.can_edit(by, practice):
        raise PermissionDenied
    if language == practice.language:
        raise PracticeError(
            _("This is the language the practice is written in; edit the practice instead."),
            code="same_language",
        )
    if language not in dict(settings.LANGUAGES):
        raise PracticeError(_("Unknown language."), code="language")
    with transaction.atomic():
        translation_, _created = PracticeTranslation.objects.update_or_create(
            practice=practice,
            language=language,
            defaults={"title": title, "summary": summary, "translated_by": by, **fields},
        )
        translation_.full_clean()
        search.index_practice(practice)
        record("practice.translated", practice, actor=by, language=language)
    return translation_


def add_attachment(practice: Practice, *, upload, by, caption: str = "") -> Attachment:
    """A PDF document or a PNG/JPEG image; checked by its bytes, refused whole if wrong."""
    if not permissions.can_edit(by, practice):
        raise PermissionDenied
    checked = uploads.check(upload, ATTACHMENTS)
    kind = Attachment.Kind.DOCUMENT if checked.file_type is uploads.PDF else Attachment.Kind.IMAGE
    with transaction.atomic():
        attachment = Attachment(
            practice=practice,
            kind=kind,
            content_type=checked.content_type,
            size=checked.size,
            original_name=checked.original_name,
            caption=caption[:200],
        )
        uploads.store(attachment.file, upload, checked)
        # A failed insert must not leave the file behind.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        record("practice.attachment_added", practice, actor=by, file=attachment.file.name)
    return attachment


def review_label(
    practice: Practice,
    *,
    by,
    relevance: int,
    evidence: int,
    transferability: int,
    comments: str,
    award: bool,
) -> LabelReview:
    """The secretariat's review on the three criteria; the label follows the decision."""
    if not permissions.can_label(by, practice):
        raise PermissionDenied
    scores = (relevance, evidence, transferability)
    if any(not 1 <= s <= 5 for s in scores):
        raise PracticeError(_("Each criterion is scored from 1 to 5."), code="scores")
    if not comments.strip():
        raise PracticeError(_("Explain the decision in the comments."), code="comments")
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        review = LabelReview.objects.create(
            practice=practice,
            reviewer=by,
            relevance=relevance,
            evidence=evidence,
            transferability=transferability,
            comments=comments,
            decision=LabelReview.Decision.AWARDED if award else LabelReview.Decision.DECLINED,
        )
        practice.is_labelled = award
        practice.labelled_at = timezone.now() if award else None
        practice.save(update_fields=["is_labelled", "labelled_at", "updated_at"])
        record("practice.reviewed", practice, actor=by, decision=review.decision)
        for person in practice.city.people.filter(role=User.Role.FOCAL_POINT):
            queue_mail(
                to=person.email,
                template="practices/email/label_review",
                context={
                    "title": practice.title,
                    "awarded": award,
                    "comments": comments,
                    "url": _absolute("practices:detail", practice.pk, person.language),
                },
                language=person.language,
            )
    return review


def _absolute(view: str, arg, language: str) -> str:
    """An absolute link in the recipient's language."""
    with translation.override(language):
        return settings.SITE_URL + reverse(view, args=[arg])


def record_transfer(
    practice: Practice, *, by, started_on: dt.date | None = None, notes: str = ""
) -> Transfer:
    """`by`'s city adopts the practice: the transfer starts at the 'understand' stage."""
    if not permissions.can_adopt(by, practice):
        raise PermissionDenied
    with transaction.atomic():
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(
                    practice=practice,
                    adopting_city_id=by.city_id,
                    started_on=started_on or timezone.localdate(),
                    notes=notes,
                    recorded_by=by,
                )
        except IntegrityError as exc:
            raise PracticeError(
                _("%(city)s has already recorded the adoption of this practice.")
                % {"city": by.city.name},
                code="already_adopted",
            ) from exc
        record("practice.adopted", transfer, actor=by)
    return transfer


def update_transfer(
    transfer: Transfer, *, by, stage: str, on: dt.date | None = None, notes: str | None = None
) -> Transfer:
    """Move the transfer to `stage` (dated `on`), keeping the dates of the earlier stages."""
    if not permissions.can_update_transfer(by, transfer):
        raise PermissionDenied
    order = [s.value for s in Transfer.Stage]
    if stage not in order:
        raise PracticeError(_("Unknown stage."), code="stage")
    on = on or timezone.localdate()
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if on < transfer.started_on:
            raise PracticeError(
                _("A stage cannot start before the transfer itself."), code="date_order"
            )
        transfer.stage = stage
        if order.index(stage) >= 1 and transfer.adapted_on is None:
            transfer.adapted_on = on
        if order.index(stage) >= 2 and transfer.reused_on is None:
            transfer.reused_on = on
        if notes is not None:
            transfer.notes = notes
        transfer.full_clean()
        transfer.save()
        record("transfer.updated", transfer, actor=by, stage=stage)
    return transfer


def _conversation_recipients(conversation: Conversation, *, exclude) -> list:
    practice = conversation.practice
    people = [conversation.contact] if conversation.contact else []
    if not people:
        people = list(practice.city.people.filter(role=User.Role.FOCAL_POINT))
    if conversation.started_by:
        people.append(conversation.started_by)
    seen, result = set(), []
    for person in people:
        if person.pk != exclude.pk and person.pk not in seen:
            seen.add(person.pk)
            result.append(person)
    return result


def _notify(conversation: Conversation, message: Message, *, by, template: str) -> None:
    for person in _conversation_recipients(conversation, exclude=by):
        queue_mail(
            to=person.email,
            template=template,
            context={
                "practice": conversation.practice.title,
                "city": conversation.city.name,
                "author": str(by),
                "subject": conversation.subject,
                "body": message.body,
                "url": _absolute("practices:conversation", conversation.pk, person.language),
            },
            language=person.language,
        )


def start_conversation(practice: Practice, *, by, subject: str, body: str) -> Conversation:
    """`by`'s city asks the practice's contact; the secretariat can follow the exchange."""
    if not permissions.can_contact(by, practice):
        raise PermissionDenied
    if not body.strip():
        raise PracticeError(_("Write a message."), code="empty")
    with transaction.atomic():
        conversation = Conversation.objects.create(
            practice=practice,
            city_id=by.city_id,
            started_by=by,
            contact=practice.contact,
            subject=subject.strip()[:200] or practice.title[:200],
        )
        message = Message.objects.create(conversation=conversation, author=by, body=body)
        record("conversation.started", conversation, actor=by)
        _notify(conversation, message, by=by, template="practices/email/conversation_new")
    return conversation


def reply(conversation: Conversation, *, by, body: str) -> Message:
    if not permissions.can_reply(by, conversation):
        raise PermissionDenied
    if not body.strip():
        raise PracticeError(_("Write a message."), code="empty")
    with transaction.atomic():
        message = Message.objects.create(conversation=conversation, author=by, body=body)
        conversation.save(update_fields=["updated_at"])
        _notify(conversation, message, by=by, template="practices/email/conversation_reply")
    return message


def create_compendium(
    *, commission: Commission, by, title: str, introduction: str, slug: str = "", **fields
) -> Compendium:
    if not permissions.is_secretariat_of(by, commission.pk):
        raise PermissionDenied
    with transaction.atomic():
        compendium = Compendium(
            commission=commission,
            slug=slug or slugify(title)[:50],
            title=title,
            introduction=introduction,
            **fields,
        )
        if Compendium.objects.filter(slug=compendium.slug).exists():
            raise PracticeError(
                _("A compendium with this short name exists already."), code="slug_taken"
            )
        compendium.full_clean()
        compendium.save()
        record("compendium.created", compendium, actor=by)
    return compendium


def add_to_compendium(compendium: Compendium, practice: Practice, *, by) -> CompendiumEntry:
    if not permissions.can_edit_compendium(by, compendium):
        raise PermissionDenied
    if not practice.is_published:
        raise PracticeError(_("Only published practices go into a compendium."), code="draft")
    with transaction.atomic():
        Compendium.objects.select_for_update().get(pk=compendium.pk)
        if compendium.entries.filter(practice=practice).exists():
            raise PracticeError(_("This practice is already in the compendium."), code="already_in")
        last = compendium.entries.aggregate(last=Max("position"))["last"] or 0
        entry = CompendiumEntry.objects.create(
            compendium=compendium, practice=practice, position=last + 1
        )
        compendium.save(update_fields=["updated_at"])
        record("compendium.practice_added", compendium, actor=by, practice=practice.pk)
    return entry


def move_entry(entry: CompendiumEntry, *, by, up: bool) -> None:
    """Swap the entry with its neighbour above (or below)."""
    if not permissions.can_edit_compendium(by, entry.compendium):
        raise PermissionDenied
    with transaction.atomic():
        entries = list(
            CompendiumEntry.objects.select_for_update()
            .filter(compendium=entry.compendium_id)
            .order_by("position", "id")
        )
        index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(entries):
            return
        entries[index], entries[other] = entries[other], entries[index]
        for position, e in enumerate(entries, start=1):
            if e.position != position:
                e.position = position
                e.save(update_fields=["position"])


def remove_from_compendium(entry: CompendiumEntry, *, by) -> None:
    if not permissions.can_edit_compendium(by, entry.compendium):
        raise PermissionDenied
    with transaction.atomic():
        entry.delete()
        record("compendium.practice_removed", entry.compendium, actor=by)
