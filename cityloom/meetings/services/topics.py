"""Topic proposals and votes, by registered participants."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cityloom.meetings import permissions
from cityloom.meetings.models import Meeting, Slot, Topic, Vote

from .base import MeetingError, PermissionDenied, record


def _check_topic_fields(meeting: Meeting, language: str, slots: list[Slot]) -> None:
    if language not in meeting.languages:
        raise MeetingError(_("Choose one of the meeting's languages of work."), code="language")
    if any(slot.meeting_id != meeting.pk for slot in slots):
        raise MeetingError(_("This slot does not belong to the meeting."), code="slot")


def propose_topic(
    meeting: Meeting,
    *,
    by,
    title: str,
    axis: str,
    language: str,
    description: str = "",
    unavailable_slots: Iterable[Slot] = (),
) -> Topic:
    """A participant proposes a topic, until the session grid is built."""
    if not permissions.can_propose(by, meeting):
        raise PermissionDenied
    if meeting.status == Meeting.Status.DRAFT:
        raise MeetingError(_("This meeting does not take proposals yet."), code="draft")
    # The grid is optimised for the topics and votes it was built from: a topic proposed now
    # would sit outside it, with votes nobody could cast.
    if meeting.are_votes_locked:
        raise MeetingError(_("Proposals are closed: the session grid is built."), code="locked")
    slots = list(unavailable_slots)
    _check_topic_fields(meeting, language, slots)
    with transaction.atomic():
        topic = Topic.objects.create(
            meeting=meeting,
            proposer=by,
            title=title,
            description=description,
            axis=axis,
            language=language,
        )
        topic.unavailable_slots.set(slots)
        record("meeting.topic_proposed", topic, actor=by)
    return topic


def update_topic(
    topic: Topic,
    *,
    by,
    title: str,
    axis: str,
    language: str,
    description: str = "",
    unavailable_slots: Iterable[Slot] = (),
) -> Topic:
    """The proposer edits their topic while the grid is not built."""
    if not permissions.can_edit_topic(by, topic):
        raise PermissionDenied
    meeting = topic.meeting
    if meeting.are_votes_locked:
        raise MeetingError(
            _("The session grid is built: ask the secretariat to change this topic."),
            code="locked",
        )
    slots = list(unavailable_slots)
    _check_topic_fields(meeting, language, slots)
    with transaction.atomic():
        topic.title, topic.axis, topic.language = title, axis, language
        topic.description = description
        topic.save(update_fields=["title", "axis", "language", "description", "updated_at"])
        topic.unavailable_slots.set(slots)
        record("meeting.topic_edited", topic, actor=by)
    return topic


def set_vote(topic: Topic, *, person, wanted: bool) -> bool:
    """Vote for a topic (`wanted`) or take the vote back; returns whether the vote stands."""
    if not permissions.can_vote(person, topic.meeting):
        raise PermissionDenied
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=topic.meeting_id)
        if meeting.are_votes_locked:
            raise MeetingError(_("Votes are closed: the session grid is built."), code="locked")
        if not wanted:
            Vote.objects.filter(topic=topic, person=person).delete()
            return False
        try:
            with transaction.atomic():  # a double click must not break the outer transaction
                Vote.objects.create(topic=topic, person=person)
        except IntegrityError:
            pass  # already voted: the vote stands
    return True
