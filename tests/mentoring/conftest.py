import pytest
from django.utils import translation

from tests.factories import CityFactory, MembershipFactory

from .factories import focal_point

NAMES = {
    "Bilbao": ("ES", "europe", 345_000, ["es", "eu"]),
    "Bordeaux": ("FR", "europe", 260_000, ["fr"]),
    "Johannesburg": ("ZA", "africa", 4_400_000, ["en", "zu", "af"]),
    "Poitiers": ("FR", "europe", 88_000, ["fr"]),
}


@pytest.fixture
def cities(commission):
    out = {}
    for i, (name, (country, region, population, languages)) in enumerate(NAMES.items()):
        city = CityFactory(
            name=name,
            geonames_id=7_100_000 + i,
            country_code=country,
            country_name=country,
            region=region,
            population=population,
            languages=languages,
        )
        MembershipFactory(city=city, commission=commission)
        out[name] = city
    return out


@pytest.fixture
def focal(cities):
    """The focal point of each city, named after it."""
    return {
        name: focal_point(city, email=f"focal.{name.lower()}@example.org", language="en")
        for name, city in cities.items()
    }


@pytest.fixture(autouse=True)
def _english():
    # A request to /fr/ leaves French active in this thread; reverse() would then build /fr/ URLs.
    translation.activate("en")
    yield
    translation.activate("en")
