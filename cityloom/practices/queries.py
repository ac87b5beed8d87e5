"""Reads shared by pages, the API, feeds and exports."""

import datetime as dt

from django.db.models import Count, Min, Prefetch, QuerySet
from django.utils import translation

from cityloom.core.i18n import Text
from cityloom.core.trends import Item, start_of
from cityloom.network.models import City, Commission
from cityloom.network.permissions import secretariat_commissions

from .models import (
    Compendium,
    CompendiumEntry,
    Conversation,
    LabelReview,
    Message,
    Practice,
    PracticeTranslation,
    Transfer,
)


def list_related(practices: QuerySet) -> QuerySet:
    """What a list of practices shows: city, SDGs and translations (each card in the reader's
    language), in three queries whatever the length."""
    return practices.select_related("city").prefetch_related("sdgs", "translations")


def newest_published(limit: int) -> QuerySet[Practice]:
    return Practice.objects.published().select_related("city").order_by("-published_at")[:limit]


def published_of_cities(city_ids) -> QuerySet[Practice]:
    """The published practices of the cities, oldest first."""
    return Practice.objects.published().filter(city_id__in=city_ids).order_by("id")


def practices_in_full() -> QuerySet[Practice]:
    """What a practice's own pages show of it, fetched with it."""
    return Practice.objects.select_related("city", "commission", "contact").prefetch_related(
        "translations", "sdgs", "tags", "attachments"
    )


def translation_into(practice: Practice, language: str) -> PracticeTranslation | None:
    """The practice's translation into `language`, from its prefetched translations."""
    return next((t for t in practice.translations.all() if t.language == language), None)


def transfers_of(practice: Practice) -> QuerySet[Transfer]:
    return practice.transfers.select_related("adopting_city").order_by("started_on")


def label_reviews(practice: Practice) -> QuerySet[LabelReview]:
    return practice.reviews.select_related("reviewer")


def compendiums_open_to(practice: Practice, *, user) -> QuerySet[Compendium] | list:
    """The compendiums of `user`'s secretariat a published practice may still be added to."""
    if not practice.is_published:
        return []
    return Compendium.objects.filter(commission__in=secretariat_commissions(user)).exclude(
        entries__practice=practice
    )


def conversations_in_full() -> QuerySet[Conversation]:
    return Conversation.objects.select_related("practice__city", "city", "contact")


def thread(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("author__city")


def transfers_in_full() -> QuerySet[Transfer]:
    return Transfer.objects.select_related("practice__city", "adopting_city")


def own_city_work(user) -> dict:
    """A person's page: their city's drafts, adoptions and conversations (empty without a city)."""
    if not user.city_id:
        return {"drafts": [], "conversations": []}
    conversations = Conversation.objects.select_related("practice__city", "city")
    return {
        "drafts": Practice.objects.filter(
            city_id=user.city_id, status=Practice.Status.DRAFT
        ).order_by("-updated_at"),
        "transfers": Transfer.objects.filter(adopting_city_id=user.city_id).select_related(
            "practice__city"
        ),
        "conversations": conversations.filter(city_id=user.city_id)
        | conversations.filter(practice__city_id=user.city_id),
    }


def followed_conversations(user) -> QuerySet[Conversation]:
    """The latest 50 conversations about the practices of `user`'s secretariat."""
    return Conversation.objects.select_related("practice__city", "city").filter(
        practice__commission__in=secretariat_commissions(user)
    )[:50]


def compendiums() -> QuerySet[Compendium]:
    return Compendium.objects.select_related("commission")


def compendium_commission(user) -> Commission | None:
    """The commission a new compendium of `user`'s belongs to: the first they are secretariat of."""
    return secretariat_commissions(user).first()


def reader_version(practice: Practice) -> PracticeTranslation | None:
    """The translation into the reader's language, if there is one and it is not the original."""
    language = (translation.get_language() or "en")[:2]
    if language == practice.language:
        return None
    return translation_into(practice, language)


TEXT_FIELDS = ("title", "summary", "problem", "solution", "results")


def reader_texts(practice: Practice) -> dict[str, Text]:
    """Each text of the practice in the reader's language where a translation has it, else the
    original, each saying its language (from the prefetched translations: no query)."""
    version = reader_version(practice)
    return {
        field: Text(getattr(version, field), version.language)
        if version is not None and getattr(version, field)
        else Text(getattr(practice, field), practice.language)
        for field in TEXT_FIELDS
    }


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


def trend_items(start: dt.date, end: dt.date) -> list[Item]:
    """Practices published in [start, end), as the observatory's trends count them."""
    rows = (
        Practice.objects.published()
        .filter(published_at__gte=start_of(start), published_at__lt=start_of(end))
        .prefetch_related("tags")
    )
    return [
        Item(
            p.published_at.date(),
            (p.axis,),
            tuple(t.name for t in p.tags.all()),
            f"{p.title} {p.summary}",
        )
        for p in rows
    ]


def waiting_for_label(user) -> dict:
    """Published practices of `user`'s secretariat no one has reviewed for the label yet:
    `count`, `since` (the oldest publication) and `first` (its pk)."""
    practices = Practice.objects.published().filter(
        commission__in=secretariat_commissions(user), is_labelled=False, reviews__isnull=True
    )
    summary = practices.aggregate(count=Count("pk"), since=Min("published_at"))
    summary["first"] = (
        practices.order_by("published_at", "pk").values_list("pk", flat=True).first()
        if summary["count"]
        else None
    )
    return summary


def drafts_waiting(*, city_id: int | None = None, author=None) -> dict:
    """Drafts of a city (or by one person): `count`, `since` (the oldest last change)."""
    drafts = Practice.objects.filter(status=Practice.Status.DRAFT)
    if city_id is not None:
        drafts = drafts.filter(city_id=city_id)
    if author is not None:
        drafts = drafts.filter(created_by=author)
    return drafts.aggregate(count=Count("pk"), since=Min("updated_at"))


def compendiums_in(commission: Commission, year: int) -> list[Compendium]:
    """The commission's public compendiums made in `year`."""
    return list(
        Compendium.objects.filter(commission=commission, is_public=True, created_at__year=year)
        .annotate(practice_count=Count("entries", distinct=True))
        .order_by("created_at", "pk")
    )


def practices_published_count(commission: Commission, year: int) -> int:
    """Good practices of the commission published in `year`."""
    return Practice.objects.filter(
        commission=commission, status=Practice.Status.PUBLISHED, published_at__year=year
    ).count()
