"""Object-level rules: who writes and sends circulars, who registers for an event, who exports."""

from cityloom.network import queries as network_queries
from cityloom.network.permissions import secretariat_commissions

from .models import Circular, Event


def can_write_circulars(user) -> bool:
    return secretariat_commissions(user).exists()


def is_secretariat_of(user, commission_id: int) -> bool:
    return secretariat_commissions(user).filter(pk=commission_id).exists()


def can_manage_circular(user, circular: Circular) -> bool:
    """The secretariat of the circular's commission edits, previews, sends and reads the log."""
    return is_secretariat_of(user, circular.commission_id)


def can_see_circular(user, circular: Circular) -> bool:
    """A sent circular is public; a draft is the secretariat's."""
    return circular.status != Circular.Status.DRAFT or can_manage_circular(user, circular)


def can_see_event(user, event: Event) -> bool:
    return event.is_published or is_secretariat_of(user, event.commission_id)


def can_register(user, event: Event) -> bool:
    """People of the commission's member cities, and its secretariat."""
    if not user.is_authenticated:
        return False
    if user.city_id and network_queries.is_active_member(
        user.city_id, commission_id=event.commission_id
    ):
        return True
    return is_secretariat_of(user, event.commission_id)


def can_export_participants(user, event: Event) -> bool:
    """The organiser: the secretariat of the event's commission."""
    return is_secretariat_of(user, event.commission_id)
