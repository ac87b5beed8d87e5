"""Reads shared by pages, the API, feeds and exports."""

from django.db.models import Prefetch, QuerySet
from django.utils import translation

from cityloom.network.models import City

from .models import Compendium, CompendiumEntry, Practice, PracticeTranslation, Transfer


def list_related(practices: QuerySet) -> QuerySet:
    """What a list of practices shows: city and SDGs, in two queries whatever the length."""
    return practices.select_related("city").prefetch_related("sdgs")


def reader_version(practice: Practice) -> PracticeTranslation | None:
    """The translation into the reader's language, if there is one and it is not the original."""
    language = (translation.get_language() or "en")[:2]
    if language == practice.language:
        return None
    for t in practice.translations.all():
        if t.language == language:
            return t
    return None


def city_practices(city: City) -> dict:
    shared = list_related(Practice.objects.published().filter(city=city))
    adopted = (
        Transfer.objects.filter(adopting_city=city, practice__status=Practice.Status.PUBLISHED)
        .select_related("practice__city")
        .order_by("-started_on")
    )
    return {"shared": shared, "adopted": adopted}


def compendium_entries(compendium: Compendium) -> list[CompendiumEntry]:
    entries = compendium.entries.filter(practice__status=Practice.Status.PUBLISHED)
    return list(
        entries.select_related("practice__city").prefetch_related(
            "practice__translations",
            "practice__sdgs",
            Prefetch("practice__tags"),
        )
    )
