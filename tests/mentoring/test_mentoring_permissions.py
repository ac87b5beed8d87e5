"""Each object-level rule, with a neighbour whose data must not leak."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cityloom.mentoring import permissions
from tests.factories import CommissionFactory, UserFactory

from .factories import ProgrammeFactory, RequestFactory


@pytest.fixture
def people(commission, cities, focal, secretariat):
    other_commission = CommissionFactory()
    other_secretariat = UserFactory(email="other.secretariat@example.org")
    other_commission.secretariat.add(other_secretariat)
    return {
        **{f"focal {name}": user for name, user in focal.items()},
        "member Johannesburg": UserFactory(city=cities["Johannesburg"]),
        "member Bordeaux": UserFactory(city=cities["Bordeaux"]),
        "secretariat": secretariat,
        "other secretariat": other_secretariat,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def programme(commission, cities):
    return ProgrammeFactory(
        commission=commission, mentor=cities["Bilbao"], mentee=cities["Johannesburg"]
    )


@pytest.fixture
def proposed(commission, cities):
    return RequestFactory(
        commission=commission,
        city=cities["Johannesburg"],
        mentor=cities["Bilbao"],
        status="proposed",
    )


def _allowed(rule, people, obj):
    return sorted(name for name, user in people.items() if rule(user, obj))


def test_only_a_citys_focal_point_requests_for_it(people, cities):
    assert _allowed(permissions.can_request_for, people, cities["Johannesburg"]) == [
        "focal Johannesburg"
    ]


def test_only_the_commissions_secretariat_pairs(people, proposed):
    assert _allowed(permissions.can_pair, people, proposed) == ["secretariat"]


def test_only_the_proposed_mentors_focal_point_answers(people, proposed):
    assert _allowed(permissions.can_answer, people, proposed) == ["focal Bilbao"]


def test_request_visible_to_its_city_the_proposed_mentor_and_secretariat(people, proposed):
    assert _allowed(permissions.can_view_request, people, proposed) == [
        "focal Bilbao",
        "focal Johannesburg",
        "member Johannesburg",
        "secretariat",
    ]


def test_private_parts_readable_by_both_cities_people_and_secretariat(people, programme):
    assert _allowed(permissions.can_read_private, people, programme) == [
        "focal Bilbao",
        "focal Johannesburg",
        "member Johannesburg",
        "secretariat",
    ]


def test_programme_managed_by_both_focal_points_and_secretariat(people, programme):
    assert _allowed(permissions.can_manage, people, programme) == [
        "focal Bilbao",
        "focal Johannesburg",
        "secretariat",
    ]


def test_programme_evaluated_by_both_focal_points(people, programme):
    assert _allowed(permissions.can_evaluate, people, programme) == [
        "focal Bilbao",
        "focal Johannesburg",
    ]


def test_capacity_set_by_the_citys_focal_point(people, cities):
    assert _allowed(permissions.can_set_capacity, people, cities["Bilbao"]) == ["focal Bilbao"]
