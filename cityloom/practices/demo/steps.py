"""Named steps the practices' demo data file calls: what the platform derives, not data."""

from cityloom.practices import search
from cityloom.practices.models import Practice


def index_practices() -> int:
    """Copy each practice's city facets (country, region, size) and refresh its search entry."""
    practices = list(Practice.objects.select_related("city"))
    for practice in practices:
        facets = (practice.country_code, practice.region, practice.city_size)
        practice.copy_city_facets()
        if (practice.country_code, practice.region, practice.city_size) != facets:
            practice.save(update_fields=["country_code", "region", "city_size"])
        search.index_practice(practice)
    return len(practices)
