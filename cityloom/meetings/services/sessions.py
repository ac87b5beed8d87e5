"""After the grid: versioned notes, outcomes, and the collaboration projects identified."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cityloom.meetings import permissions
from cityloom.meetings.models import NoteVersion, Topic, Vote
from cityloom.network import queries as network_queries
from cityloom.projects import services as project_services

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
    return network_queries.cities_of_people(Vote.objects.filter(topic=topic).values("person"))


def identify_project(topic: Topic, *, by, title: str = "", description: str = ""):
    """A collaboration project from the session: its title, axis and its voters' cities. The
    project lives in the projects app, linked back to the session and its notes."""
    if not permissions.can_record_outcome(by, topic):
        raise PermissionDenied
    topic.refresh_from_db()
    if not topic.is_scheduled:
        raise MeetingError(_("Only a session of the grid can identify a project."), code="topic")
    with transaction.atomic():
        project = project_services.create_project_from_session(
            topic, by=by, cities=voters_cities(topic), title=title, methodology=description
        )
        record("meeting.project_identified", topic, actor=by, project=project.pk)
    return project
