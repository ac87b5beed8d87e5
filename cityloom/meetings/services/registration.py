"""Registration: a seat while there is one, else the waiting list; a cancelled seat goes to the next."""

from django.db import transaction
from django.utils.translation import gettext as _

from cityloom.meetings import permissions
from cityloom.meetings.models import Meeting, Registration, Vote

from .base import MeetingError, PermissionDenied, mail_person, record


def _locked(meeting: Meeting) -> Meeting:
    # One registration at a time per meeting: the seat count must not race.
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def register(meeting: Meeting, *, person, now=None) -> Registration:
    """Give `person` a seat, or a place on the waiting list when the meeting is full."""
    if not permissions.can_register(person, meeting):
        raise PermissionDenied
    with transaction.atomic():
        meeting = _locked(meeting)
        if not meeting.is_registration_open(now):
            raise MeetingError(_("Registration for this meeting is closed."), code="closed")
        existing = Registration.objects.filter(meeting=meeting, person=person).first()
        if existing and existing.status != Registration.Status.CANCELLED:
            raise MeetingError(_("You are already registered."), code="already")
        if existing:  # registering again joins the end of the queue, like anyone new
            existing.delete()
        full = Registration.objects.confirmed().filter(meeting=meeting).count() >= meeting.capacity
        registration = Registration.objects.create(
            meeting=meeting,
            person=person,
            status=Registration.Status.WAITING if full else Registration.Status.REGISTERED,
        )
        record(f"meeting.{registration.status}", meeting, actor=person)
        mail_person(person, meeting, "waiting" if full else "registered")
    return registration


def cancel_registration(meeting: Meeting, *, person) -> Registration | None:
    """Cancel; a freed seat goes to the first person waiting. Returns whoever was promoted."""
    with transaction.atomic():
        meeting = _locked(meeting)
        registration = (
            Registration.objects.filter(meeting=meeting, person=person)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if registration is None:
            raise MeetingError(_("You are not registered for this meeting."), code="not_registered")
        had_seat = registration.status == Registration.Status.REGISTERED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        if not meeting.are_votes_locked:  # once the grid is built, it stands on these votes
            Vote.objects.filter(topic__meeting=meeting, person=person).delete()
        record("meeting.cancelled", meeting, actor=person)
        if not had_seat:
            return None
        return _promote_next(meeting)


def _promote_next(meeting: Meeting) -> Registration | None:
    seats = meeting.capacity - Registration.objects.confirmed().filter(meeting=meeting).count()
    if seats <= 0:
        return None
    following = Registration.objects.waiting().filter(meeting=meeting).select_related("person")
    promoted = following.first()
    if promoted is None:
        return None
    promoted.status = Registration.Status.REGISTERED
    promoted.save(update_fields=["status", "updated_at"])
    record("meeting.promoted", meeting, person=promoted.person.email)
    mail_person(promoted.person, meeting, "promoted")
    return promoted
