"""Reads other apps make of the network's rows, through network.queries rather than its
managers: a study's stored results, a practice's commission, a session's voters' cities."""

import datetime as dt

from cityloom.network import queries
from cityloom.network.models import Membership
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory


def test_city_pks_by_geonames_id_maps_only_the_known_cities(db):
    bordeaux = CityFactory(geonames_id=3031582)
    bilbao = CityFactory(geonames_id=3128026)
    assert queries.city_pks_by_geonames_id([3031582, 3128026, 1]) == {
        3031582: bordeaux.pk,
        3128026: bilbao.pk,
    }
    assert queries.city_pks_by_geonames_id([]) == {}


def test_cities_of_people_are_each_listed_once_by_name(db):
    bilbao, arles = CityFactory(name="Bilbao"), CityFactory(name="Arles")
    CityFactory(name="Cork")  # nobody of it among the people
    people = [UserFactory(city=bilbao), UserFactory(city=bilbao), UserFactory(city=arles)]
    UserFactory(city=None)
    assert list(queries.cities_of_people([p.pk for p in people])) == [arles, bilbao]


def test_first_active_membership_is_the_oldest_active_one(db):
    city = CityFactory()
    first, second, third = CommissionFactory(), CommissionFactory(), CommissionFactory()
    MembershipFactory(city=city, commission=third, joined_on=dt.date(2001, 1, 1), status="left")
    older = MembershipFactory(city=city, commission=second, joined_on=dt.date(2005, 1, 1))
    newer = MembershipFactory(city=city, commission=first, joined_on=dt.date(2012, 1, 1))
    assert queries.first_active_membership(city) == older
    assert queries.first_active_membership(city, commission=first) == newer
    Membership.objects.filter(pk__in=[older.pk, newer.pk]).update(status="suspended")
    assert queries.first_active_membership(city) is None
    assert queries.first_active_membership(CityFactory()) is None
