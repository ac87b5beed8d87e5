import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from cityloom.forum import services
from cityloom.meetings.models import Registration
from cityloom.projects.models import Project, ProjectCity
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory
from tests.meetings.factories import MeetingFactory

User = get_user_model()

CITIES = {
    # name: (GeoNames id, focal point's language)
    "Bordeaux": (3031582, "fr"),
    "Bilbao": (3128026, "es"),
    "Poitiers": (2986495, "fr"),
    "Johannesburg": (993800, "en"),
}


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def cities(commission):
    made = {}
    for name, (geonames_id, _language) in CITIES.items():
        made[name] = CityFactory(name=name, geonames_id=geonames_id)
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
            language=CITIES[name][1],
        )
        for name, city in cities.items()
    }


@pytest.fixture
def member(cities):
    """A member of Bordeaux's team who is not its focal point; writes in French."""
    return UserFactory(
        email="member.bordeaux@example.org", name="Luc Bernard", city=cities["Bordeaux"],
        language="fr",
    )  # fmt: skip


@pytest.fixture
def spanish_member(cities):
    return UserFactory(
        email="miren@example.org", name="Miren Etxeberria", city=cities["Bilbao"], language="es"
    )


@pytest.fixture
def neighbour(db):
    """A person of a city of another commission, and that commission's secretariat."""
    other = CommissionFactory(slug="other", name="Other commission")
    city = CityFactory(name="Lyon")
    MembershipFactory(city=city, commission=other)
    person = UserFactory(email="lyon@example.org", name="Person of Lyon", city=city)
    secretariat = UserFactory(email="secretariat@other.example.org")
    other.secretariat.add(secretariat)
    return {"commission": other, "city": city, "person": person, "secretariat": secretariat}


@pytest.fixture
def boards(commission):
    return {b.axis: b for b in services.ensure_axis_boards(commission)}


@pytest.fixture
def governance(boards):
    return boards["governance"]


@pytest.fixture
def project(commission, cities):
    project = Project.objects.create(
        commission=commission,
        title="Joining industries",
        title_es="Unir las industrias",
        axis="economy",
        status=Project.Status.ACTIVE,
        starts_on=dt.date(2013, 5, 31),
        lead_city=cities["Bordeaux"],
    )
    ProjectCity.objects.create(project=project, city=cities["Bordeaux"], role="lead")
    ProjectCity.objects.create(project=project, city=cities["Bilbao"], role="participant")
    return project


@pytest.fixture
def project_board(project):
    return services.ensure_project_board(project)


@pytest.fixture
def meeting(commission):
    return MeetingFactory(commission=commission, slug="governance-2014", axis="governance")


@pytest.fixture
def meeting_board(meeting):
    return services.ensure_meeting_board(meeting)


def register(meeting, person):
    return Registration.objects.create(
        meeting=meeting, person=person, status=Registration.Status.REGISTERED
    )
