"""Circulars e-mailed to members, news, the secretariat's pages, and events with registration."""

import secrets
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.i18n import translated
from cityloom.core.models import OutgoingMail, TimeStampedModel
from cityloom.network.models import City, Commission


class Circular(TimeStampedModel):
    """An informative circular: the commission's formal channel to its members."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("circular status", "draft")
        SENDING = "sending", pgettext_lazy("circular status", "sending")
        SENT = "sent", pgettext_lazy("circular status", "sent")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="circulars"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, editable=False)
    number = models.PositiveSmallIntegerField(
        pgettext_lazy("ordinal", "number"), null=True, blank=True, editable=False
    )
    subject = models.CharField(_("subject"), max_length=300)
    subject_fr = models.CharField(_("subject (French)"), max_length=300, blank=True)
    subject_es = models.CharField(_("subject (Spanish)"), max_length=300, blank=True)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_es = models.TextField(_("text (Spanish)"), blank=True)
    audience = models.CharField(_("audience"), max_length=40, default="members")
    # The region code, meeting id or project id the audience kind needs, if any.
    audience_value = models.CharField(_("audience detail"), max_length=100, blank=True)
    is_formal = models.BooleanField(
        _("formal"),
        default=False,
        help_text=_("Focal points receive a formal circular even if they unsubscribed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        ordering = ["-year", "-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "year", "number"], name="one_circular_number_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("communications:circular-detail", args=[self.pk])

    @property
    def label(self) -> str:
        if self.number is None:
            return str(pgettext_lazy("circular status", "draft"))
        return _("Circular %(number)d/%(year)d") % {"number": self.number, "year": self.year}

    @property
    def display_subject(self) -> str:
        return translated(self, "subject")

    @property
    def display_body(self) -> str:
        return translated(self, "body")

    def in_language(self, language: str) -> tuple[str, str]:
        """Subject and text in `language`, English where that version is empty."""
        if language in ("fr", "es"):
            return (
                getattr(self, f"subject_{language}") or self.subject,
                getattr(self, f"body_{language}") or self.body,
            )
        return self.subject, self.body


class CircularAttachment(models.Model):
    circular = models.ForeignKey(
        Circular, verbose_name=_("circular"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="circulars/")
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class CircularRecipient(models.Model):
    """One person a circular goes to; the outbox row is their message and delivery log."""

    circular = models.ForeignKey(
        Circular, verbose_name=_("circular"), on_delete=models.CASCADE, related_name="recipients"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    mail = models.OneToOneField(
        OutgoingMail,
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["circular", "email"], name="one_circular_each"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def mail_key(self) -> str:
        # The outbox's idempotency key: however often delivery runs, one message each.
        return f"circular:{self.circular_id}:{self.email.lower()}"


class MailPreference(models.Model):
    """A person's choice about optional mail (circulars that are not formal)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mail_preference",
    )
    wants_optional_mail = models.BooleanField(_("receives optional e-mail"), default=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return str(self.person)


class NewsPost(TimeStampedModel):
    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="news"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_es = models.TextField(_("text (Spanish)"), blank=True)
    image = models.FileField(_("image"), upload_to="news/", blank=True)
    image_type = models.CharField(_("image type"), max_length=100, blank=True, editable=False)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communications:news-detail", args=[self.slug])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_body(self) -> str:
        return translated(self, "body")


class Page(models.Model):
    """A page the secretariat maintains: about the commission, documents to download."""

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="pages"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_es = models.TextField(_("text (Spanish)"), blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communications:page", args=[self.slug])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_body(self) -> str:
        return translated(self, "body")


class Document(models.Model):
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="documents/")
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")


class Event(TimeStampedModel):
    """A conference or awareness event; times are stored in UTC, shown at the city's time."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", pgettext_lazy("commission role", "organiser")
        PARTNER = "partner", pgettext_lazy("commission role", "partner")
        PARTICIPANT = "participant", pgettext_lazy("commission role", "participant")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="events"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    programme = models.TextField(_("programme"), blank=True, help_text=_("Markdown."))
    programme_fr = models.TextField(_("programme (French)"), blank=True)
    programme_es = models.TextField(_("programme (Spanish)"), blank=True)
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One a line."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("The city's time zone when left empty."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    role = models.CharField(_("the commission's role"), max_length=12, choices=Role)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    is_registration_open = models.BooleanField(_("registration open"), default=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communications:event-detail", args=[self.slug])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_description(self) -> str:
        return translated(self, "description")

    @property
    def display_programme(self) -> str:
        return translated(self, "programme")

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    @property
    def zone_name(self) -> str:
        return self.time_zone or (self.city.timezone if self.city else "") or "UTC"

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def local_starts_at(self):
        return self.starts_at.astimezone(self.tzinfo)

    @property
    def local_ends_at(self):
        return self.ends_at.astimezone(self.tzinfo)


class EventRegistration(TimeStampedModel):
    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("registration status", "registered")
        WAITING = "waiting", pgettext_lazy("registration status", "on the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        # The waiting list is first come, first served.
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_event_registration_each"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The private address of a person's "my events" calendar feed."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_calendar_token)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self) -> str:
        return str(self.person)
