"""Which UCLG world region a country belongs to (continents are close, but not the same)."""

from .models import Region

_EURASIA = {"RU", "BY", "MD", "KZ", "KG", "TJ", "UZ", "TM", "AZ", "AM", "GE", "MN"}
_MIDDLE_EAST = {
    "TR",
    "IR",
    "IQ",
    "SY",
    "LB",
    "JO",
    "IL",
    "PS",
    "SA",
    "YE",
    "OM",
    "AE",
    "QA",
    "BH",
    "KW",
    "AF",
}
_NORTH_AMERICA = {"US", "CA", "GL", "BM", "PM"}
_BY_CONTINENT = {
    "AF": Region.AFRICA,
    "AS": Region.ASIA_PACIFIC,
    "EU": Region.EUROPE,
    "NA": Region.LATIN_AMERICA,  # Mexico, Central America and the Caribbean; see the override
    "SA": Region.LATIN_AMERICA,
    "OC": Region.ASIA_PACIFIC,
    "AN": Region.ASIA_PACIFIC,
}


def region_for(country_code: str, continent_code: str) -> Region:
    if country_code in _EURASIA:
        return Region.EURASIA
    if country_code in _MIDDLE_EAST:
        return Region.MIDDLE_EAST
    if country_code in _NORTH_AMERICA:
        return Region.NORTH_AMERICA
    return _BY_CONTINENT.get(continent_code, Region.EUROPE)
