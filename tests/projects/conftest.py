import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from cityloom.projects import services
from cityloom.projects.models import ProjectCity
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

User = get_user_model()

CITIES = {
    # name: (GeoNames id, time zone, focal point's language)
    "Bordeaux": (3031582, "Europe/Paris", "fr"),
    "Bilbao": (3128026, "Europe/Madrid", "es"),
    "Poitiers": (2986495, "Europe/Paris", "fr"),
    "Pau": (2988358, "Europe/Paris", "fr"),
    "Lappeenranta": (648900, "Europe/Helsinki", "en"),
}


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def cities(commission):
    made = {}
    for name, (geonames_id, zone, _language) in CITIES.items():
        made[name] = CityFactory(name=name, geonames_id=geonames_id, timezone=zone)
        MembershipFactory(city=made[name], commission=commission)
    return made


@pytest.fixture
def focal(cities):
    return {
        name: UserFactory(
            email=f"focal.{name.lower()}@example.org",
            name=f"Focal point of {name}",
            city=city,
            role=User.Role.FOCAL_POINT,
            language=CITIES[name][2],
        )
        for name, city in cities.items()
    }


@pytest.fixture
def member(cities):
    """A member of Pau's team who is not its focal point."""
    return UserFactory(email="member.pau@example.org", city=cities["Pau"], language="fr")


@pytest.fixture
def neighbour(db):
    """The secretariat and a focal point of another commission, with its own member city."""
    other = CommissionFactory(slug="other", name="Other commission")
    city = CityFactory(name="Lyon", timezone="Europe/Paris")
    MembershipFactory(city=city, commission=other)
    secretariat = UserFactory(email="secretariat@other.example.org")
    other.secretariat.add(secretariat)
    focal = UserFactory(email="focal.lyon@example.org", city=city, role=User.Role.FOCAL_POINT)
    return {"commission": other, "city": city, "secretariat": secretariat, "focal": focal}


def make_project(
    commission,
    secretariat,
    cities,
    *,
    title="Joining industries",
    lead="Bordeaux",
    participants=("Poitiers", "Bilbao"),
    starts_on=dt.date(2013, 5, 31),
):
    project = services.create_project(
        by=secretariat,
        commission=commission,
        title=title,
        axis="economy",
        lead_city=cities[lead],
        status="active",
        starts_on=starts_on,
    )
    for name in participants:
        ProjectCity.objects.create(
            project=project,
            city=cities[name],
            role=ProjectCity.Role.PARTICIPANT,
            joined_on=starts_on,
        )
    return project


@pytest.fixture
def project(commission, secretariat, cities):
    """The first project of the report: Bordeaux leads, Poitiers and Bilbao take part."""
    return make_project(commission, secretariat, cities)
