"""Registration for events: capacity, the waiting list, and the e-mails that say so."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cityloom.communications import permissions
from cityloom.communications.models import CalendarToken, Event, EventRegistration
from cityloom.core.mail import queue_mail
from cityloom.core.models import record

from .base import CommunicationsError, PermissionDenied

Status = EventRegistration.Status


def _event_context(event: Event) -> dict[str, str]:
    """Facts about the event in the active language, at the event's own time."""
    starts, ends = event.local_starts_at, event.local_ends_at
    when = formats.date_format(starts, "DATETIME_FORMAT")
    if ends.date() == starts.date():
        when += " \u2013 " + formats.time_format(ends, "TIME_FORMAT")
    else:
        when += " \u2013 " + formats.date_format(ends, "DATETIME_FORMAT")
    return {
        "event": event.display_title,
        "when": f"{when} ({event.zone_name})",
        "place": ", ".join(p for p in (event.venue, event.city.name if event.city else "") if p),
        "online_url": event.online_url,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "ics_url": settings.SITE_URL + reverse("communications:event-ics", args=[event.slug]),
    }


def _mail(person, event: Event, template: str) -> None:
    language = person.language if person.language in ("en", "fr", "es") else "en"
    with translation.override(language):
        context = {"name": str(person), **_event_context(event)}
    queue_mail(
        to=person.email,
        template=f"communications/email/{template}",
        context=context,
        language=language,
    )


def register_for_event(event: Event, *, person) -> EventRegistration:
    """A seat if one is free, else a place on the waiting list; e-mailed either way."""
    if not permissions.can_register(person, event):
        raise PermissionDenied
    if not event.is_registration_open or event.ends_at < timezone.now():
        raise CommunicationsError(_("Registration for this event is closed."))
    with transaction.atomic():
        # The event row is the lock: two people taking the last seat are served in turn.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        existing = EventRegistration.objects.filter(event=locked, person=person).first()
        if existing is not None and existing.status != Status.CANCELLED:
            raise CommunicationsError(_("You are already registered for this event."))
        taken = EventRegistration.objects.filter(event=locked, status=Status.REGISTERED).count()
        status = (
            Status.WAITING
            if locked.capacity is not None and taken >= locked.capacity
            else Status.REGISTERED
        )
        if existing is None:
            registration = EventRegistration.objects.create(
                event=locked, person=person, status=status
            )
        else:
            # Back at the end of the queue: the waiting list is first come, first served.
            existing.status, existing.created_at = status, timezone.now()
            existing.save(update_fields=["status", "created_at", "updated_at"])
            registration = existing
        record("event.registered", registration, actor=person, status=status)
        _mail(person, locked, "registered" if status == Status.REGISTERED else "waiting")
    return registration


def cancel_event_registration(event: Event, *, person) -> EventRegistration | None:
    """Cancel; a freed seat goes to the first person waiting, who is told by e-mail."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        registration = (
            EventRegistration.objects.filter(event=locked, person=person)
            .exclude(status=Status.CANCELLED)
            .first()
        )
        if registration is None:
            raise CommunicationsError(_("You are not registered for this event."))
        had_seat = registration.status == Status.REGISTERED
        registration.status = Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        record("event.cancelled", registration, actor=person)
        promoted = None
        if had_seat:
            promoted = (
                EventRegistration.objects.filter(event=locked, status=Status.WAITING)
                .select_related("person")
                .order_by("created_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Status.REGISTERED
                promoted.save(update_fields=["status", "updated_at"])
                record("event.promoted", promoted)
                _mail(promoted.person, locked, "promoted")
    return promoted


def calendar_token_of(person) -> CalendarToken:
    """The person's private calendar address, made on first use."""
    token, _created = CalendarToken.objects.get_or_create(person=person)
    return token


def renew_calendar_token(person) -> CalendarToken:
    """A new private address: the old one stops working (a leaked link is revoked)."""
    with transaction.atomic():
        CalendarToken.objects.filter(person=person).delete()
        return CalendarToken.objects.create(person=person)
