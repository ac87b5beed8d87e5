"""Object-level rules: who may request, pair, answer, and read a programme's private parts."""

from cityloom.network.permissions import is_secretariat_of, secretariat_commissions

from .models import MentoringRequest, Programme


def is_any_secretariat(user) -> bool:
    return secretariat_commissions(user).exists()


def can_request_for(user, city) -> bool:
    """Only a city's focal point asks for help in its name."""
    return user.is_authenticated and user.is_focal_point and user.city_id == city.pk


def can_pair(user, request: MentoringRequest) -> bool:
    return is_secretariat_of(user, request.commission_id)


def can_answer(user, request: MentoringRequest) -> bool:
    """Only the proposed mentor city's focal point accepts or declines."""
    return (
        user.is_authenticated
        and user.is_focal_point
        and request.mentor_id is not None
        and user.city_id == request.mentor_id
    )


def can_view_request(user, request: MentoringRequest) -> bool:
    if not user.is_authenticated:
        return False
    if user.city_id is not None and user.city_id in (request.city_id, request.mentor_id):
        return True
    return is_secretariat_of(user, request.commission_id)


def can_read_private(user, programme: Programme) -> bool:
    """Conversation, monitoring, evaluations, activity log: the two cities and the secretariat."""
    if not user.is_authenticated:
        return False
    if user.city_id is not None and user.city_id in (programme.mentor_id, programme.mentee_id):
        return True
    return is_secretariat_of(user, programme.commission_id)


def can_manage(user, programme: Programme) -> bool:
    """Objectives, milestones, reports and stage: the two focal points and the secretariat."""
    if not user.is_authenticated:
        return False
    if user.is_focal_point and user.city_id in (programme.mentor_id, programme.mentee_id):
        return True
    return is_secretariat_of(user, programme.commission_id)


def can_evaluate(user, programme: Programme) -> bool:
    return (
        user.is_authenticated
        and user.is_focal_point
        and user.city_id
        in (
            programme.mentor_id,
            programme.mentee_id,
        )
    )


def can_set_capacity(user, city) -> bool:
    return user.is_authenticated and user.is_focal_point and user.city_id == city.pk
