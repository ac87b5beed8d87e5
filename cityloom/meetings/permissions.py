"""Object-level rules of a meeting: who registers, proposes, votes, runs the grid, writes notes."""

from cityloom.network import queries as network_queries
from cityloom.network.permissions import secretariat_commissions

from .models import Meeting, Registration, Topic


def is_meeting_secretariat(user, meeting: Meeting) -> bool:
    """The secretariat of the meeting's commission runs it (creates, builds, publishes)."""
    return secretariat_commissions(user).filter(pk=meeting.commission_id).exists()


def can_create_meeting(user) -> bool:
    return secretariat_commissions(user).exists()


def can_see_meeting(user, meeting: Meeting) -> bool:
    return meeting.status != Meeting.Status.DRAFT or is_meeting_secretariat(user, meeting)


def can_register(user, meeting: Meeting) -> bool:
    """People of the commission's member cities, and its secretariat."""
    if not user.is_authenticated:
        return False
    if user.city_id and network_queries.is_active_member(
        user.city_id, commission_id=meeting.commission_id
    ):
        return True
    return is_meeting_secretariat(user, meeting)


def is_participant(user, meeting: Meeting) -> bool:
    """Registered with a seat (not on the waiting list, not cancelled)."""
    return (
        user.is_authenticated
        and Registration.objects.confirmed().filter(meeting=meeting, person=user).exists()
    )


# Only registered participants propose topics and vote for them.
can_propose = is_participant
can_vote = is_participant


def can_edit_topic(user, topic: Topic) -> bool:
    """A member edits only their own topic."""
    return user.is_authenticated and topic.proposer_id == user.pk


def can_manage_grid(user, meeting: Meeting) -> bool:
    return is_meeting_secretariat(user, meeting)


def can_write_notes(user, topic: Topic) -> bool:
    """Notes and outcomes are collaborative: every participant, and the secretariat."""
    return is_participant(user, topic.meeting) or is_meeting_secretariat(user, topic.meeting)


can_record_outcome = can_write_notes
