"""The Smart Cities Study: frameworks, editions, questionnaires, values, computations, results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis
from cityloom.core.i18n import translated
from cityloom.core.models import TimeStampedModel
from cityloom.network.models import City, Commission
from cityloom.study.names import LocalName, local_name


class Framework(TimeStampedModel):
    """An indicator framework: a tree of 2 to 4 levels whose leaves are indicators."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    version = models.CharField(_("version"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    levels = models.JSONField(
        _("levels"), default=list, help_text=_("Names of the levels, from the top to indicators.")
    )
    licence_note = models.TextField(_("licence note"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    method = models.JSONField(_("published method"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> LocalName:
        return local_name(self)


class NodeQuerySet(models.QuerySet):
    def indicators(self):
        return self.filter(is_indicator=True)

    def groups(self):
        return self.filter(is_indicator=False)

    def top(self):
        return self.filter(parent__isnull=True)


class Node(models.Model):
    """A group (axis, factor…) or an indicator of a framework."""

    class Direction(models.TextChoices):
        HIGHER = "higher_is_better", _("higher is better")
        LOWER = "lower_is_better", _("lower is better")
        UNKNOWN = "unknown", pgettext_lazy("direction", "unknown")

    class Tier(models.TextChoices):
        CORE = "core", pgettext_lazy("indicator tier", "core")
        SUPPORTING = "supporting", pgettext_lazy("indicator tier", "supporting")
        ADVANCED = "advanced", pgettext_lazy("indicator tier", "advanced")

    class ValueType(models.TextChoices):
        NUMBER = "number", _("number")
        PERCENTAGE = "percentage", _("percentage")
        BOOLEAN = "boolean", _("yes/no")
        CATEGORY = "category", _("category")
        SURVEY = "survey", _("survey scale")

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=80)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    level_name = models.CharField(_("level"), max_length=40)
    position = models.PositiveIntegerField(pgettext_lazy("order", "position"), default=0)
    is_indicator = models.BooleanField(_("indicator"), default=False)
    name = models.CharField(_("name"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    unit = models.CharField(_("unit"), max_length=120, blank=True)
    unit_fr = models.CharField(_("unit (French)"), max_length=120, blank=True)
    unit_es = models.CharField(_("unit (Spanish)"), max_length=120, blank=True)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction, default=Direction.HIGHER
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier, blank=True)
    value_type = models.CharField(
        _("value type"), max_length=12, choices=ValueType, default=ValueType.NUMBER
    )
    categories = models.JSONField(
        _("categories"), default=list, blank=True, help_text=_("Answers of a category question.")
    )
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = NodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="one_code_per_framework"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> LocalName:
        return local_name(self)

    @property
    def display_unit(self) -> LocalName:
        return local_name(self, "unit")

    @property
    def is_core(self) -> bool:
        return self.tier in ("", self.Tier.CORE)

    def bounds(self) -> tuple[float | None, float | None]:
        """The range a value may take, from the value type and the node's own limits."""
        low, high = self.min_value, self.max_value
        if self.value_type == self.ValueType.PERCENTAGE:
            low = 0.0 if low is None else low
            high = 100.0 if high is None else high
        elif self.value_type == self.ValueType.SURVEY:
            low = 1.0 if low is None else low
            high = 5.0 if high is None else high
        return low, high


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Edition.Status.PUBLISHED)


class Edition(TimeStampedModel):
    """One round of the Study: a framework, a calendar, invited cities and a method."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("edition status", "in preparation")
        OPEN = "open", pgettext_lazy("edition status", "open for data")
        REVIEW = "review", pgettext_lazy("edition status", "in review")
        PUBLISHED = "published", pgettext_lazy("edition status", "published")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="editions"
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="editions"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("reference year"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    publish_on = models.DateField(_("publication planned on"), null=True, blank=True)
    cities = models.ManyToManyField(
        City, verbose_name=_("invited cities"), through="Questionnaire", related_name="+"
    )
    pipeline = models.JSONField(
        _("computation method"),
        default=dict,
        blank=True,
        help_text=_("The index engine's settings: imputation, treatment, normalisation, weights."),
    )
    uncertainty = models.JSONField(
        _("uncertainty analysis"),
        default=dict,
        blank=True,
        help_text=_("Number of runs, seed and the settings varied in each run."),
    )
    base_edition = models.ForeignKey(
        "self",
        verbose_name=_("base edition for progress"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_computation = models.ForeignKey(
        "Computation",
        verbose_name=_("published results"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    licence = models.CharField(_("licence"), max_length=100, default="CC BY 4.0")
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Generated values, shown as such on every page.")
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "year"], name="one_edition_per_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("study:edition-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Questionnaire(TimeStampedModel):
    """What one invited city answers in one edition."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("questionnaire status", "draft")
        SUBMITTED = "submitted", pgettext_lazy("questionnaire status", "submitted")
        RETURNED = "returned", pgettext_lazy("questionnaire status", "returned for corrections")
        ACCEPTED = "accepted", pgettext_lazy("questionnaire status", "accepted")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="questionnaires"
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="questionnaires"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reopen_requested = models.TextField(_("reopening requested"), blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["edition", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "city"], name="one_questionnaire_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.edition} — {self.city.name}"

    def get_absolute_url(self) -> str:
        return reverse("study:questionnaire", args=[self.edition_id, self.city.geonames_id])


class Value(models.Model):
    """A city's answer to one indicator: the number the engine reads, with its provenance."""

    class Review(models.TextChoices):
        PENDING = "", pgettext_lazy("value review", "not reviewed")
        RETURNED = "returned", pgettext_lazy("value review", "returned")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    indicator = models.ForeignKey(
        Node, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    number = models.FloatField(_("value"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year of the data"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    # Stored under a random name (cityloom.core.uploads); served only by the evidence view.
    evidence_file = models.FileField(_("evidence (file)"), upload_to="study/evidence/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=150, blank=True)
    evidence_type = models.CharField(_("evidence file type"), max_length=100, blank=True)
    review = models.CharField(_("review"), max_length=10, choices=Review, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "indicator"], name="one_value_per_indicator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.number}"


class ValueChange(models.Model):
    """The value-level audit trail: who changed what, when, from which value to which."""

    class Action(models.TextChoices):
        EDIT = "edit", pgettext_lazy("value change", "edited")
        UPLOAD = "upload", pgettext_lazy("value change", "uploaded")
        RETURN = "return", pgettext_lazy("value change", "returned")

    value = models.ForeignKey(
        Value, verbose_name=_("value"), on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    old_number = models.FloatField(_("old value"), null=True, blank=True)
    new_number = models.FloatField(_("new value"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.value.indicator.code}: {self.old_number} → {self.new_number}"


class Answer(models.Model):
    """A text answer to an open question: what the city does on an axis, a good experience."""

    class Kind(models.TextChoices):
        ACTIONS = "actions", _("What the city does")
        EXPERIENCE = "experience", _("A good experience to share")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    group = models.ForeignKey(
        Node, verbose_name=_("axis"), on_delete=models.CASCADE, related_name="answers"
    )
    kind = models.CharField(_("question"), max_length=12, choices=Kind)
    text = models.TextField(_("answer"), max_length=4000, blank=True)
    link = models.URLField(_("link to the practice"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "group", "kind"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.group.code} {self.kind}"


class Computation(TimeStampedModel):
    """One run of the index engine on an edition's values; stores its settings and inputs."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("computation status", "queued")
        RUNNING = "running", pgettext_lazy("computation status", "running")
        DONE = "done", pgettext_lazy("computation status", "done")
        FAILED = "failed", pgettext_lazy("computation status", "failed")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="computations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The snapshot makes a run reproducible: the same snapshot gives the same numbers.
    snapshot = models.JSONField(_("settings and inputs"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    structure = models.JSONField(
        _("structure"), default=dict, blank=True, help_text=_("Codes and names of the aggregates.")
    )
    comparable_basis = models.CharField(_("basis of comparison"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("computation")
        verbose_name_plural = _("computations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition} #{self.pk} ({self.status})"


class CityResultQuerySet(models.QuerySet):
    def published(self):
        """Results of the published computation of each edition (the public ones)."""
        return self.filter(
            Q(computation__edition__status=Edition.Status.PUBLISHED)
            & Q(computation__edition__published_computation=models.F("computation"))
        )


class CityResult(models.Model):
    """A city's scores in one computation: overall, per group, per indicator, and rank interval."""

    computation = models.ForeignKey(
        Computation, verbose_name=_("computation"), on_delete=models.CASCADE, related_name="results"
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    rank_low = models.FloatField(_("rank, 5th percentile"), null=True)
    rank_high = models.FloatField(_("rank, 95th percentile"), null=True)
    rank_median = models.FloatField(_("rank, median"), null=True)
    coverage = models.FloatField(_("data coverage"), default=0)
    core_coverage = models.FloatField(_("core data coverage"), default=0)
    # {code: score} and {code: rank} of every group; {code: normalised value} of indicators.
    groups = models.JSONField(_("group scores"), default=dict)
    group_ranks = models.JSONField(_("group ranks"), default=dict)
    indicators = models.JSONField(_("indicator scores"), default=dict)
    # The top level only ({code: [score, rank]}): what ranking pages read, small to decode.
    axes = models.JSONField(_("axis scores and ranks"), default=dict)
    # Scores on the base edition's scale ({"": overall, code: group score}), for progress.
    comparable = models.JSONField(_("comparable scores"), default=dict, blank=True)

    objects = CityResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("city result")
        verbose_name_plural = _("city results")
        ordering = ["computation", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["computation", "city"], name="one_result_per_city"),
        ]
        indexes = [models.Index(fields=["computation", "rank"])]

    def __str__(self) -> str:
        return f"{self.city.name}: {self.score}"
