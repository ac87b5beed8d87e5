"""Collaborative projects between cities: who takes part, what recurs, what is due, who asks in."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis
from cityloom.core.i18n import translated
from cityloom.core.models import TimeStampedModel
from cityloom.meetings.models import Meeting, Topic
from cityloom.network.models import City, Commission


def _time_zones():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProjectQuerySet(models.QuerySet):
    def visible(self):
        """Public pages show every project but the dropped proposals nobody took up."""
        return self.exclude(status=Project.Status.DROPPED, starts_on__isnull=True)


class Project(TimeStampedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("project status", "proposed")
        ACTIVE = "active", pgettext_lazy("project status", "active")
        COMPLETED = "completed", pgettext_lazy("project status", "completed")
        DROPPED = "dropped", pgettext_lazy("project status", "dropped")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    question = models.TextField(_("question the project answers"), blank=True)
    question_fr = models.TextField(_("question (French)"), blank=True)
    question_es = models.TextField(_("question (Spanish)"), blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis)
    lead_city = models.ForeignKey(
        City,
        verbose_name=_("lead city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    methodology = models.TextField(_("methodology"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PROPOSED, db_index=True
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    cities = models.ManyToManyField(
        City, verbose_name=_("cities"), through="ProjectCity", related_name="projects"
    )
    # Where it came from: a BarCamp session (and its notes), or a city's proposal.
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_session = models.ForeignKey(
        Topic,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_question(self) -> str:
        return translated(self, "question")

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])


class ProjectCityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)

    def taking_part(self):
        """Lead and participants who have not left: the cities that owe answers and work."""
        return self.current().filter(role__in=[ProjectCity.Role.LEAD, ProjectCity.Role.PARTICIPANT])


class ProjectCity(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("project role", "lead")
        PARTICIPANT = "participant", pgettext_lazy("project role", "participant")
        INTERESTED = "interested", pgettext_lazy("project role", "interested")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="project_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.INTERESTED)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ProjectCityQuerySet.as_manager()

    class Meta:
        verbose_name = _("project city")
        verbose_name_plural = _("project cities")
        ordering = ["role", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "city"], name="one_place_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city} — {self.project} ({self.get_role_display()})"


class Activity(models.Model):
    """A recurring activity: the rule is stored, the occurrences are materialised from it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    # An iCalendar RRULE without DTSTART ("FREQ=MONTHLY;INTERVAL=4;COUNT=5"); "every N months"
    # is turned into one by the service.
    rrule = models.CharField(_("recurrence (iCalendar RRULE)"), max_length=500)
    first_on = models.DateField(_("first occurrence"))
    at = models.TimeField(_("local time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=_time_zones)
    online_url = models.URLField(_("online meeting link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["first_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")


class Occurrence(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="occurrences"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "starts_at"], name="one_occurrence_per_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d}"

    @property
    def local_start(self):
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.activity.time_zone))


class Milestone(models.Model):
    """A one-off event of the project: a forum, a study visit."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    on = models.DateField(_("date"))
    city = models.ForeignKey(
        City,
        verbose_name=_("host city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")


class DeliverableQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Deliverable.Status.PLANNED, Deliverable.Status.IN_PROGRESS])

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class Deliverable(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("deliverable status", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("deliverable status", "in progress")
        DELIVERED = "delivered", pgettext_lazy("deliverable status", "delivered")
        DROPPED = "dropped", pgettext_lazy("deliverable status", "dropped")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deliverables"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    # Either "within N months" of the project's start (due_on follows the start), or a date.
    due_months = models.PositiveIntegerField(
        _("due within (months of the start)"), null=True, blank=True
    )
    due_on = models.DateField(_("due on"))
    owner_city = models.ForeignKey(
        City,
        verbose_name=_("owner city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the owner city left the project with this still open: someone must take it over.
    needs_owner = models.BooleanField(_("needs a new owner"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")


class JoinRequest(TimeStampedModel):
    """A city asks to join a project, or proposes a new one; the secretariat decides."""

    class Kind(models.TextChoices):
        JOIN = "join", pgettext_lazy("join request kind", "join a project")
        PROPOSE = "propose", pgettext_lazy("join request kind", "propose a project")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("join request status", "waiting for the secretariat")
        ACCEPTED = "accepted", pgettext_lazy("join request status", "accepted")
        DECLINED = "declined", pgettext_lazy("join request status", "declined")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=5000)
    proposed_title = models.CharField(_("proposed title"), max_length=200, blank=True)
    proposed_axis = models.CharField(_("axis"), max_length=20, choices=Axis, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="propose") | Q(project__isnull=False), name="join_names_project"
            ),
            models.UniqueConstraint(
                fields=["project", "city"],
                condition=Q(status="pending", kind="join"),
                name="one_pending_join_per_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} → {self.project or self.proposed_title}"


class CityTask(models.Model):
    """Something each city taking part answers ("identify your 4-5 sectors of excellence")."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("city task")
        verbose_name_plural = _("city tasks")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")


class TaskAnswer(models.Model):
    task = models.ForeignKey(
        CityTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="answers"
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("answer"), max_length=10_000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("task answer")
        verbose_name_plural = _("task answers")
        ordering = ["city__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "city"], name="one_answer_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city} — {self.task}"
