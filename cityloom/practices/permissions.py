"""Object-level rules for practices: a city's people draft, its focal point publishes."""

from cityloom.network import queries as network_queries
from cityloom.network.models import City
from cityloom.network.permissions import is_secretariat_of, secretariat_commissions

from .models import Compendium, Conversation, Practice, Transfer


def can_draft_for(user, city: City) -> bool:
    """A person drafts for their own city, and only while it is a member."""
    return (
        user.is_authenticated
        and user.city_id == city.pk
        and network_queries.is_active_member(city.pk)
    )


def can_view(user, practice: Practice) -> bool:
    if practice.is_published:
        return True
    if not user.is_authenticated:
        return False
    return user.city_id == practice.city_id or is_secretariat_of(user, practice.commission_id)


def can_edit(user, practice: Practice) -> bool:
    """A draft: its city's people; once published: the city's focal point only."""
    if not user.is_authenticated or user.city_id != practice.city_id:
        return False
    return user.is_focal_point or not practice.is_published


def can_publish(user, practice: Practice) -> bool:
    return user.is_authenticated and user.is_focal_point and user.city_id == practice.city_id


def can_label(user, practice: Practice) -> bool:
    return practice.is_published and is_secretariat_of(user, practice.commission_id)


def can_view_reviews(user, practice: Practice) -> bool:
    """The label reviews of a practice: its secretariat, who wrote them, and its own city."""
    return is_secretariat_of(user, practice.commission_id) or (
        getattr(user, "city_id", None) == practice.city_id
    )


def can_contact(user, practice: Practice) -> bool:
    """People of another member city ask; the practice's own city has nothing to ask itself."""
    return (
        practice.is_published
        and user.is_authenticated
        and user.city_id is not None
        and user.city_id != practice.city_id
    )


def can_view_conversation(user, conversation: Conversation) -> bool:
    """The two cities' people and the practice's secretariat; never a third city."""
    if not user.is_authenticated:
        return False
    if user.city_id is not None and user.city_id in (
        conversation.city_id,
        conversation.practice.city_id,
    ):
        return True
    return is_secretariat_of(user, conversation.practice.commission_id)


def can_reply(user, conversation: Conversation) -> bool:
    return (
        user.is_authenticated
        and user.city_id is not None
        and user.city_id
        in (
            conversation.city_id,
            conversation.practice.city_id,
        )
    )


can_adopt = can_contact


def can_update_transfer(user, transfer: Transfer) -> bool:
    return user.is_authenticated and user.city_id == transfer.adopting_city_id


def can_manage_compendiums(user) -> bool:
    return secretariat_commissions(user).exists()


def can_edit_compendium(user, compendium: Compendium) -> bool:
    return is_secretariat_of(user, compendium.commission_id)


def can_view_compendium(user, compendium: Compendium) -> bool:
    return compendium.is_public or can_edit_compendium(user, compendium)


def can_export(user) -> bool:
    return can_manage_compendiums(user)
