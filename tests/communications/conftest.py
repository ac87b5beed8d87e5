import pytest
from django.utils import translation

from tests.factories import CityFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def cities(commission):
    """Three member cities (Bilbao, Bordeaux, Lisbon) and a neighbour that is not a member."""
    found = {
        "Bilbao": CityFactory(
            name="Bilbao", country_code="ES", country_name="Spain", timezone="Europe/Madrid"
        ),
        "Bordeaux": CityFactory(name="Bordeaux", timezone="Europe/Paris"),
        "Lisbon": CityFactory(
            name="Lisbon", country_code="PT", country_name="Portugal", timezone="Europe/Lisbon"
        ),
    }
    for city in found.values():
        MembershipFactory(city=city, commission=commission)
    found["Quito"] = CityFactory(
        name="Quito", country_code="EC", country_name="Ecuador", region="latin_america"
    )
    return found


@pytest.fixture
def members(cities):
    """A focal point and a member per member city, each in the city's language; one outsider."""
    return {
        "focal.bilbao": UserFactory(
            email="focal.bilbao@example.org",
            name="Focal Bilbao",
            city=cities["Bilbao"],
            role="focal_point",
            language="es",
        ),
        "member.bilbao": UserFactory(
            email="member.bilbao@example.org",
            name="Member Bilbao",
            city=cities["Bilbao"],
            language="es",
        ),
        "focal.bordeaux": UserFactory(
            email="focal.bordeaux@example.org",
            name="Focal Bordeaux",
            city=cities["Bordeaux"],
            role="focal_point",
            language="fr",
        ),
        "member.bordeaux": UserFactory(
            email="member.bordeaux@example.org",
            name="Member Bordeaux",
            city=cities["Bordeaux"],
            language="fr",
        ),
        "focal.lisbon": UserFactory(
            email="focal.lisbon@example.org",
            name="Focal Lisbon",
            city=cities["Lisbon"],
            role="focal_point",
            language="en",
        ),
        "outsider": UserFactory(
            email="someone@quito.example.org", name="Outsider", city=cities["Quito"], language="es"
        ),
    }


MEMBER_EMAILS = {
    "focal.bilbao@example.org": "es",
    "member.bilbao@example.org": "es",
    "focal.bordeaux@example.org": "fr",
    "member.bordeaux@example.org": "fr",
    "focal.lisbon@example.org": "en",
}


@pytest.fixture
def draft(commission, secretariat, members):
    from cityloom.communications import services

    return services.create_circular(
        commission,
        by=secretariat,
        audience="members",
        subject="Dissemination of the Study",
        subject_fr="Diffusion de l'Étude",
        subject_es="Difusión del Estudio",
        body="The **Study** is out.",
        body_fr="L'**Étude** est parue.",
        body_es="El **Estudio** está publicado.",
    )
