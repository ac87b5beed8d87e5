"""City-to-city mentoring: requests, pairings, programmes and what happens inside them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis
from cityloom.core.fields import ChoicesListField
from cityloom.core.languages import platform_language_choices
from cityloom.core.models import TimeStampedModel
from cityloom.network.models import City, Commission


class Mode(models.TextChoices):
    INFORMAL = "informal", _("Informal exchange")
    STRUCTURED = "structured", _("Structured programme")


class MentorCapacity(models.Model):
    """How many programmes a city runs at once as a mentor; each city sets its own."""

    city = models.OneToOneField(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="mentor_capacity"
    )
    max_programmes = models.PositiveSmallIntegerField(
        _("maximum concurrent programmes as mentor"), default=1
    )

    class Meta:
        verbose_name = _("mentor capacity")
        verbose_name_plural = _("mentor capacities")

    def __str__(self) -> str:
        return f"{self.city.name}: {self.max_programmes}"


class MentoringRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=MentoringRequest.Status.OPEN)


class MentoringRequest(TimeStampedModel):
    """A city asking the network for help on one or more axes."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("mentoring request status", "open")
        PROPOSED = "proposed", pgettext_lazy("mentoring request status", "mentor proposed")
        ACCEPTED = "accepted", pgettext_lazy("mentoring request status", "accepted")
        WITHDRAWN = "withdrawn", pgettext_lazy("mentoring request status", "withdrawn")

    commission = models.ForeignKey(
        Commission,
        verbose_name=_("commission"),
        on_delete=models.PROTECT,
        related_name="mentoring_requests",
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="mentoring_requests"
    )
    axes = ChoicesListField(_("axes"), choices=Axis)
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    need = models.TextField(_("the need, in your own words"), max_length=4000)
    languages = ChoicesListField(
        _("preferred languages"), choices=platform_language_choices, blank=True
    )
    mode = models.CharField(_("kind of help"), max_length=12, choices=Mode, default=Mode.STRUCTURED)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mentor = models.ForeignKey(
        City,
        verbose_name=_("proposed mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentoring_proposals",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    answer_message = models.TextField(_("mentor's message"), blank=True)
    declined_by = models.ManyToManyField(
        City, verbose_name=_("declined by"), blank=True, related_name="+"
    )

    objects = MentoringRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="mentoring_request_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city.name} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:request-detail", args=[self.pk])


class Methodology(models.TextChoices):
    """Templates of a structured programme; each gives the stages' milestones to start with."""

    CLASSIC = "classic", _("Needs assessment, plan, study visits, action plan")
    LIGHT = "light", _("Light: needs assessment, online exchanges, action plan")


class Stage(models.TextChoices):
    NEEDS = "needs", pgettext_lazy("programme stage", "needs assessment")
    PLAN = "plan", pgettext_lazy("programme stage", "plan")
    VISITS = "visits", pgettext_lazy("programme stage", "study visits")
    ACTION_PLAN = "action_plan", pgettext_lazy("programme stage", "action plan")
    CLOSED = "closed", pgettext_lazy("programme stage", "closed")


class Health(models.TextChoices):
    ON_TRACK = "on_track", pgettext_lazy("programme status", "on track")
    AT_RISK = "at_risk", pgettext_lazy("programme status", "at risk")
    LATE = "late", pgettext_lazy("programme status", "late")


class ProgrammeQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(stage=Stage.CLOSED)

    def of_city(self, city: City):
        return self.filter(Q(mentor=city) | Q(mentee=city))


class Programme(TimeStampedModel):
    """A mentoring between two cities, from acceptance to the closing evaluation."""

    request = models.OneToOneField(
        MentoringRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme",
    )
    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="+"
    )
    mentor = models.ForeignKey(
        City, verbose_name=_("mentor city"), on_delete=models.PROTECT, related_name="+"
    )
    mentee = models.ForeignKey(
        City, verbose_name=_("mentee city"), on_delete=models.PROTECT, related_name="+"
    )
    axes = ChoicesListField(_("axes"), choices=Axis)
    mode = models.CharField(_("kind"), max_length=12, choices=Mode, default=Mode.STRUCTURED)
    methodology = models.CharField(
        _("methodology"), max_length=12, choices=Methodology, default=Methodology.CLASSIC
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage, default=Stage.NEEDS)
    status = models.CharField(_("status"), max_length=10, choices=Health, default=Health.ON_TRACK)
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentoring programme")
        verbose_name_plural = _("mentoring programmes")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="programme_between_two_cities"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.name} → {self.mentee.name}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:programme-detail", args=[self.pk])

    @property
    def is_structured(self) -> bool:
        return self.mode == Mode.STRUCTURED

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class Objective(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("objective"), max_length=300)
    indicator_code = models.CharField(
        _("Study indicator or axis code"),
        max_length=80,
        blank=True,
        help_text=_("A code of the Study's framework, e.g. an axis or indicator code."),
    )
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline edition year"), null=True)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["programme", "id"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=300)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage, default=Stage.NEEDS)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def display_title(self) -> str:
        """A template milestone has no title of its own: its stage names it."""
        return self.title or capfirst(str(Stage(self.stage).label))


class MilestoneReminder(models.Model):
    """A reminder sent: one per milestone and lead time, so a rerun sends nothing twice."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone reminder")
        verbose_name_plural = _("milestone reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "days_before"], name="one_reminder_per_lead_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} (-{self.days_before} d)"


class Activity(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Online meeting")
        VISIT = "visit", _("Study visit")
        DOCUMENT = "document", _("Document")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), max_length=4000)
    link = models.URLField(_("link"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.kind}"


class MonitoringReport(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=10, choices=Health)
    summary = models.TextField(_("summary"), max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme} {self.status}"


class Evaluation(TimeStampedModel):
    """The closing evaluation, one per city of the programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="evaluations"
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating (1 to 5)"))
    text = models.TextField(_("evaluation"), max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["programme", "city"], name="one_evaluation_per_city"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="evaluation_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.city.name}"


class Message(TimeStampedModel):
    """The conversation between the two cities' people; the secretariat may read it."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("message"), max_length=4000)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"
