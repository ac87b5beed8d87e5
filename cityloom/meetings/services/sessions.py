"""After the grid: versioned notes, outcomes, and the collaboration projects identified."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cityloom.meetings import permissions
from cityloom.meetings.models import NoteVersion, ProjectProposal, Topic
from cityloom.network.models import City

from .base import MeetingError, PermissionDenied, record


def save_notes(topic: Topic, *, by, text: str, base_version: int) -> NoteVersion:
    """Store a new version of the notes; refuse if someone saved since `base_version` was read."""
    if not permissions.can_write_notes(by, topic):
        raise PermissionDenied
    with transaction.atomic():
        Topic.objects.select_for_update().get(pk=topic.pk)  # one writer at a time per session
        latest = topic.note_versions.aggregate(n=Max("number"))["n"] or 0
        if base_version != latest:
            raise MeetingError(
                _(
                    "Someone saved these notes while you were editing (version %(number)s). "
                    "Your text is below: merge it with theirs and save again."
                )
                % {"number": latest},
                code="conflict",
            )
        if latest and topic.note_versions.get(number=latest).text == text:
            raise MeetingError(_("The notes have not changed."), code="unchanged")
        version = NoteVersion.objects.create(topic=topic, number=latest + 1, text=text, author=by)
        record("meeting.notes_saved", topic, actor=by, version=version.number)
    return version


def record_outcome(topic: Topic, *, by, experiences: str) -> Topic:
    """The experiences the session exchanged."""
    if not permissions.can_record_outcome(by, topic):
        raise PermissionDenied
    with transaction.atomic():
        topic.experiences = experiences
        topic.save(update_fields=["experiences", "updated_at"])
        record("meeting.outcome_recorded", topic, actor=by)
    return topic


def voters_cities(topic: Topic):
    """The cities of the people who voted for the session, by name."""
    return City.objects.filter(people__meeting_votes__topic=topic).distinct().order_by("name")


def identify_project(
    topic: Topic, *, by, title: str = "", description: str = ""
) -> ProjectProposal:
    """A collaboration project from the session: its title, axis and its voters' cities."""
    if not permissions.can_record_outcome(by, topic):
        raise PermissionDenied
    topic.refresh_from_db()
    if not topic.is_scheduled:
        raise MeetingError(_("Only a session of the grid can identify a project."), code="topic")
    with transaction.atomic():
        project = ProjectProposal.objects.create(
            meeting_id=topic.meeting_id,
            topic=topic,
            title=title.strip() or topic.title,
            description=description,
            axis=topic.axis,
            proposed_by=by,
        )
        project.cities.set(voters_cities(topic))
        record("meeting.project_identified", project, actor=by, topic=topic.pk)
    return project
