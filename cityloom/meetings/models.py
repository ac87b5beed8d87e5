"""Thematic working meetings run as a Mini BarCamp: rooms, slots, people, topics, votes, grid."""

import zoneinfo
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis
from cityloom.core.fields import ChoicesListField
from cityloom.core.i18n import translated
from cityloom.core.languages import language_choices, language_name
from cityloom.core.models import TimeStampedModel
from cityloom.network.models import City, Commission


class MeetingQuerySet(models.QuerySet):
    def visible(self):
        return self.exclude(status=Meeting.Status.DRAFT)


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("meeting status", "draft")
        OPEN = "open", pgettext_lazy("meeting status", "open for proposals")
        SCHEDULED = "scheduled", pgettext_lazy("meeting status", "grid built")
        PUBLISHED = "published", pgettext_lazy("meeting status", "grid published")

    class GridJob(models.TextChoices):
        IDLE = "idle", pgettext_lazy("grid job", "idle")
        QUEUED = "queued", pgettext_lazy("grid job", "waiting for a worker")
        RUNNING = "running", pgettext_lazy("grid job", "optimising")
        DONE = "done", pgettext_lazy("grid job", "done")
        FAILED = "failed", pgettext_lazy("grid job", "failed")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="meetings"
    )
    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis)
    description = models.TextField(_("description"), blank=True)
    host_city = models.ForeignKey(
        City,
        verbose_name=_("host city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_meetings",
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        help_text=_("The venue's time zone: slots are shown in it."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    languages = ChoicesListField(_("languages of work"), choices=language_choices)
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    capacity = models.PositiveIntegerField(_("seats"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)

    # The grid is computed by a background task; these fields are its progress and result.
    grid_job = models.CharField(
        _("grid computation"), max_length=10, choices=GridJob, default=GridJob.IDLE
    )
    grid_errors = models.JSONField(_("grid problems"), default=list, blank=True)
    grid_report = models.JSONField(_("grid report"), default=dict, blank=True)
    grid_built_at = models.DateTimeField(_("grid built at"), null=True, blank=True)
    # What the public sees: a snapshot, so moves in progress stay private until published.
    published_grid = models.JSONField(_("published grid"), default=list, blank=True)
    published_at = models.DateTimeField(_("grid published at"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("working meeting")
        verbose_name_plural = _("working meetings")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="registration_window_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", args=[self.slug])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def is_registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status != self.Status.DRAFT
            and self.registration_opens_at <= now < self.registration_closes_at
        )

    @property
    def are_votes_locked(self) -> bool:
        """Votes freeze when the grid is being built or exists: the grid is optimised for them."""
        return self.is_grid_busy or self.status in (self.Status.SCHEDULED, self.Status.PUBLISHED)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_grid_busy(self) -> bool:
        return self.grid_job in (self.GridJob.QUEUED, self.GridJob.RUNNING)


class Room(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("seats"))
    interpretation = models.CharField(
        _("interpretation"),
        max_length=100,
        blank=True,
        help_text=_("Languages interpreted in this room, e.g. French ↔ English."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name"], name="room_name_unique"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_has_seats"),
        ]

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        tz = self.meeting.tzinfo if self.meeting_id else None
        start = timezone.localtime(self.starts_at, tz)
        end = timezone.localtime(self.ends_at, tz)
        return f"{start:%Y-%m-%d %H:%M}\u2013{end:%H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.REGISTERED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING)


class Registration(TimeStampedModel):
    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("registration status", "registered")
        WAITING = "waiting", pgettext_lazy("registration status", "on the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        # The waiting list is first come, first served.
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_registration_each"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting}"


class Topic(TimeStampedModel):
    """A proposed session; once placed in the grid (room and slot), it is a session."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="topics"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="meeting_topics",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("short description"), max_length=2000, blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis)
    language = models.CharField(_("language"), max_length=8)
    unavailable_slots = models.ManyToManyField(
        Slot, verbose_name=_("slots the proposer cannot make"), blank=True, related_name="+"
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("slot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    experiences = models.TextField(_("experiences exchanged"), blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "slot"],
                condition=Q(room__isnull=False),
                name="one_session_per_cell",
            ),
            models.CheckConstraint(
                condition=Q(room__isnull=True, slot__isnull=True)
                | Q(room__isnull=False, slot__isnull=False),
                name="session_cell_complete",
            ),
            models.CheckConstraint(
                condition=Q(is_pinned=False) | Q(room__isnull=False), name="pin_needs_cell"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:session-detail", args=[self.meeting.slug, self.pk])

    @property
    def is_scheduled(self) -> bool:
        return self.room_id is not None

    @property
    def cell_key(self) -> str:
        """`room:slot` of the working grid, as the move form's choices spell it."""
        return f"{self.room_id}:{self.slot_id}" if self.room_id else ""

    @property
    def language_label(self) -> str:
        return language_name(self.language)


class Vote(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="votes"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_votes",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["topic", "person"], name="one_vote_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.topic}"


class NoteVersion(models.Model):
    """Session notes are never overwritten: each save is a new numbered version."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("session"), on_delete=models.CASCADE, related_name="note_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("notes"), max_length=50_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notes version")
        verbose_name_plural = _("notes versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="one_notes_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} v{self.number}"


class ProjectProposal(TimeStampedModel):
    """A collaboration project identified in a session; the projects app will take it over."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="projects"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis)
    cities = models.ManyToManyField(
        City, verbose_name=_("interested cities"), blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("project proposal")
        verbose_name_plural = _("project proposals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title
