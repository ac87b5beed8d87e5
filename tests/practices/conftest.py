import pytest

from tests.factories import CityFactory, MembershipFactory, UserFactory


@pytest.fixture
def bordeaux(commission):
    city = CityFactory(geonames_id=3031582, name="Bordeaux", country_code="FR", population=260_958)
    MembershipFactory(commission=commission, city=city)
    return city


@pytest.fixture
def bilbao(commission):
    city = CityFactory(
        geonames_id=3128026, name="Bilbao", country_code="ES", country_name="Spain",
        population=354_860,
    )  # fmt: skip
    MembershipFactory(commission=commission, city=city)
    return city


@pytest.fixture
def johannesburg(commission):
    city = CityFactory(
        geonames_id=993800, name="Johannesburg", country_code="ZA", country_name="South Africa",
        region="africa", population=2_026_469,
    )  # fmt: skip
    MembershipFactory(commission=commission, city=city)
    return city


@pytest.fixture
def focal_bordeaux(bordeaux):
    return UserFactory(
        email="focal@bordeaux.example", city=bordeaux, role="focal_point", language="fr"
    )


@pytest.fixture
def member_bordeaux(bordeaux):
    return UserFactory(email="member@bordeaux.example", city=bordeaux, role="member", language="fr")


@pytest.fixture
def focal_bilbao(bilbao):
    return UserFactory(email="focal@bilbao.example", city=bilbao, role="focal_point", language="es")


@pytest.fixture
def member_johannesburg(johannesburg):
    return UserFactory(email="member@joburg.example", city=johannesburg, role="member")
