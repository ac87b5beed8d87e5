"""Object-level rules: who may do what to which city, request or person."""

from .models import City, Commission, MembershipRequest


def secretariat_commissions(user):
    if not user.is_authenticated:
        return Commission.objects.none()
    if user.is_superuser:
        return Commission.objects.all()
    return user.secretariat_of.all()


def is_secretariat_of(user, commission_id) -> bool:
    """The one rule every domain uses: is this person on the secretariat of that commission?"""
    return secretariat_commissions(user).filter(pk=commission_id).exists()


def is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.secretariat_of.exists())


def can_decide_request(user, request: MembershipRequest) -> bool:
    return is_secretariat_of(user, request.commission_id)


def _is_secretariat_of_city(user, city: City) -> bool:
    return secretariat_commissions(user).filter(memberships__city=city).exists()


def can_edit_city(user, city: City) -> bool:
    """A focal point edits their own city only; the secretariat edits its members."""
    if not user.is_authenticated:
        return False
    if user.is_focal_point and user.city_id == city.pk:
        return True
    return user.is_superuser or _is_secretariat_of_city(user, city)


can_invite_to_city = can_edit_city


def can_assign_role(user, person) -> bool:
    if not user.is_authenticated or person.city_id is None:
        return False
    return user.is_superuser or _is_secretariat_of_city(user, person.city)
