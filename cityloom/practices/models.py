"""Good practices: what a city did, how, with what results; their transfers and compendiums."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis
from cityloom.core.i18n import translated
from cityloom.core.models import Tag, TimeStampedModel
from cityloom.network.models import City, Commission, Region


class Sdg(models.IntegerChoices):
    """The United Nations Sustainable Development Goals."""

    NO_POVERTY = 1, _("1. No poverty")
    ZERO_HUNGER = 2, _("2. Zero hunger")
    HEALTH = 3, _("3. Good health and well-being")
    EDUCATION = 4, _("4. Quality education")
    GENDER = 5, _("5. Gender equality")
    WATER = 6, _("6. Clean water and sanitation")
    ENERGY = 7, _("7. Affordable and clean energy")
    WORK = 8, _("8. Decent work and economic growth")
    INDUSTRY = 9, _("9. Industry, innovation and infrastructure")
    INEQUALITIES = 10, _("10. Reduced inequalities")
    CITIES = 11, _("11. Sustainable cities and communities")
    CONSUMPTION = 12, _("12. Responsible consumption and production")
    CLIMATE = 13, _("13. Climate action")
    OCEANS = 14, _("14. Life below water")
    LAND = 15, _("15. Life on land")
    PEACE = 16, _("16. Peace, justice and strong institutions")
    PARTNERSHIPS = 17, _("17. Partnerships for the goals")


# Mid-sentence, French and Spanish write language names in lower case ("écrite en espagnol").
LANGUAGE_IN_SENTENCE = {
    "en": pgettext_lazy("language name within a sentence", "English"),
    "fr": pgettext_lazy("language name within a sentence", "French"),
    "es": pgettext_lazy("language name within a sentence", "Spanish"),
}


class CitySize(models.TextChoices):
    SMALL = "small", _("under 100,000 inhabitants")
    MEDIUM = "medium", _("100,000 to 500,000 inhabitants")
    LARGE = "large", _("500,000 to 1 million inhabitants")
    METROPOLIS = "metropolis", _("1 to 5 million inhabitants")
    MEGACITY = "megacity", _("over 5 million inhabitants")

    @classmethod
    def of(cls, population: int) -> "CitySize":
        for limit, size in (
            (100_000, cls.SMALL),
            (500_000, cls.MEDIUM),
            (1_000_000, cls.LARGE),
            (5_000_000, cls.METROPOLIS),
        ):
            if population < limit:
                return size
        return cls.MEGACITY


class CostRange(models.TextChoices):
    UNKNOWN = "unknown", pgettext_lazy("cost", "not known")
    UNDER_10K = "under_10k", _("under €10,000")
    UNDER_100K = "under_100k", _("€10,000 to €100,000")
    UNDER_1M = "under_1m", _("€100,000 to €1 million")
    OVER_1M = "over_1m", _("over €1 million")


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED)


class Practice(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("practice status", "draft")
        PUBLISHED = "published", pgettext_lazy("practice status", "published")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="practices"
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="practices"
    )
    title = models.CharField(_("title"), max_length=200)
    axis = models.CharField(_("axis"), max_length=12, choices=Axis)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="practices")
    cost_range = models.CharField(
        _("cost"), max_length=12, choices=CostRange, default=CostRange.UNKNOWN
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # The Study app does not exist yet: indicator codes are kept as written, with a note.
    indicator_codes = models.CharField(_("Study indicators moved"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty once the person's account is deleted, and for practices loaded as data (demo,
    # imports): a practice without it must still validate when its city edits it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_labelled = models.BooleanField(_("labelled"), default=False)
    labelled_at = models.DateTimeField(_("labelled at"), null=True, blank=True)
    # Copied from the city when saved: the search facets then group one table, not three.
    country_code = models.CharField(_("country code"), max_length=2, editable=False)
    region = models.CharField(_("region"), max_length=20, choices=Region, editable=False)
    city_size = models.CharField(_("city size"), max_length=12, choices=CitySize, editable=False)
    # PostgreSQL only: maintained by the search module, GIN-indexed in a migration.
    search_vector = SearchVectorField(null=True, editable=False)
    # The long texts come last: SQLite reads the columns before them without overflow pages.
    summary = models.TextField(_("summary"), max_length=1500)
    problem = models.TextField(_("problem"), max_length=8000)
    solution = models.TextField(_("solution"), max_length=8000)
    results = models.TextField(_("results"), max_length=8000, blank=True)
    # [{"label": "Companies trained", "value": 240, "unit": ""}]: figures stay numbers, not prose.
    figures = models.JSONField(_("figures"), default=list, blank=True)
    partners = models.TextField(_("partners"), max_length=2000, blank=True)
    indicator_note = models.TextField(_("about the indicators"), max_length=2000, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practice_status_date"),
            # Covers facet counts, filters and date order: searches never read the wide table.
            models.Index(
                fields=[
                    "status",
                    "axis",
                    "language",
                    "is_labelled",
                    "country_code",
                    "region",
                    "city_size",
                    "published_at",
                ],
                name="practice_facets",
            ),
            # The facet cache's version: the latest change is one index lookup away.
            models.Index(fields=["updated_at"], name="practice_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="practice_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def language_in_sentence(self) -> str:
        return str(LANGUAGE_IN_SENTENCE.get(self.language, self.language))

    @property
    def indicator_list(self) -> list[str]:
        return [c.strip() for c in self.indicator_codes.split(",") if c.strip()]

    def copy_city_facets(self) -> None:
        self.country_code = self.city.country_code
        self.region = self.city.region
        self.city_size = CitySize.of(self.city.population)


class PracticeSdg(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="sdgs")
    goal = models.PositiveSmallIntegerField(_("goal"), choices=Sdg)

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["goal"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "goal"], name="one_sdg_per_practice"),
        ]
        indexes = [models.Index(fields=["goal", "practice"], name="practicesdg_goal")]

    def __str__(self) -> str:
        return self.get_goal_display()


class SearchEntry(models.Model):
    """The SQLite FTS5 table (created in a migration): one row per practice, stemmed text."""

    practice = models.OneToOneField(
        Practice,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    title = models.TextField()
    body = models.TextField()

    class Meta:
        managed = False
        db_table = "practices_practice_fts"

    def __str__(self) -> str:
        return self.title[:60]


class PracticeTranslation(TimeStampedModel):
    """A practice in another language: kept apart from the original and shown as a translation."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1500)
    problem = models.TextField(_("problem"), max_length=8000, blank=True)
    solution = models.TextField(_("solution"), max_length=8000, blank=True)
    results = models.TextField(_("results"), max_length=8000, blank=True)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "language"], name="one_translation_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


def attachment_path(instance, filename: str) -> str:
    return f"practices/{instance.practice_id}/{filename}"


class Attachment(TimeStampedModel):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        IMAGE = "image", _("image")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    # Stored under a random name (cityloom.core.uploads); served only by the attachment view.
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=150, blank=True)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.caption or self.file.name.rsplit("/", 1)[-1]


class LabelReview(TimeStampedModel):
    """The secretariat's review of a practice on explicit criteria, kept whatever the outcome."""

    class Decision(models.TextChoices):
        AWARDED = "awarded", _("label awarded")
        DECLINED = "declined", _("label not awarded")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    relevance = models.PositiveSmallIntegerField(_("relevance (1 to 5)"))
    evidence = models.PositiveSmallIntegerField(_("evidenced results (1 to 5)"))
    transferability = models.PositiveSmallIntegerField(_("transferability (1 to 5)"))
    comments = models.TextField(_("reviewer's comments"), max_length=4000)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision)

    class Meta:
        verbose_name = _("label review")
        verbose_name_plural = _("label reviews")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(relevance__range=(1, 5))
                & Q(evidence__range=(1, 5))
                & Q(transferability__range=(1, 5)),
                name="review_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} — {self.get_decision_display()}"


class Transfer(TimeStampedModel):
    """A city adopting another city's practice: understand, adapt, then re-use."""

    class Stage(models.TextChoices):
        UNDERSTAND = "understand", pgettext_lazy("transfer stage", "understand")
        ADAPT = "adapt", pgettext_lazy("transfer stage", "adapt")
        REUSE = "reuse", pgettext_lazy("transfer stage", "re-use")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="transfers"
    )
    adopting_city = models.ForeignKey(
        City, verbose_name=_("adopting city"), on_delete=models.PROTECT, related_name="adoptions"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage, default=Stage.UNDERSTAND)
    started_on = models.DateField(_("started on"))
    adapted_on = models.DateField(_("adaptation started on"), null=True, blank=True)
    reused_on = models.DateField(_("re-used from"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "adopting_city"], name="one_transfer_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} → {self.adopting_city.name}"


class Conversation(TimeStampedModel):
    """A city asking the practice's contact about it; the secretariat can follow it."""

    practice = models.ForeignKey(
        Practice,
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    city = models.ForeignKey(
        City, verbose_name=_("asking city"), on_delete=models.CASCADE, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("practices:conversation", args=[self.pk])


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=8000)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Compendium(TimeStampedModel):
    """A curated, ordered set of practices with an introduction, exported to HTML and PDF."""

    commission = models.ForeignKey(
        Commission,
        verbose_name=_("commission"),
        on_delete=models.PROTECT,
        related_name="compendiums",
    )
    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), max_length=10000)
    introduction_fr = models.TextField(_("introduction (French)"), max_length=10000, blank=True)
    introduction_es = models.TextField(_("introduction (Spanish)"), max_length=10000, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    practices = models.ManyToManyField(
        Practice, through="CompendiumEntry", verbose_name=_("practices"), related_name="+"
    )

    class Meta:
        verbose_name = _("compendium")
        verbose_name_plural = _("compendiums")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:compendium", args=[self.slug])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_introduction(self) -> str:
        return translated(self, "introduction")


class CompendiumEntry(models.Model):
    compendium = models.ForeignKey(
        Compendium, verbose_name=_("compendium"), on_delete=models.CASCADE, related_name="entries"
    )
    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(pgettext_lazy("order", "position"))

    class Meta:
        verbose_name = _("compendium entry")
        verbose_name_plural = _("compendium entries")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compendium", "practice"], name="practice_once_per_compendium"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.practice}"
