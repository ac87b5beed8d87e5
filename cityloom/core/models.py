import uuid
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.i18n import translated


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One thing someone did that the secretariat may need to account for later."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    target_label = models.CharField(pgettext_lazy("audit", "target"), max_length=255)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_label}"


class Tag(models.Model):
    """A topic shared by practices and publications; the observatory follows it over time.

    Practices defined it first: its rows stay in their table (`practices_tag`), and the
    tables linking practices and publications to it are untouched (core migration 0004).
    """

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_fr = models.CharField(_("name (French)"), max_length=60, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=60, blank=True)

    class Meta:
        db_table = "practices_tag"
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return translated(self, "name")


def record(verb: str, target: models.Model, *, actor=None, **data) -> AuditEvent:
    """Append to the audit trail; called inside the service's transaction so both land or neither."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        data=data,
    )


def _mail_key() -> str:
    return uuid.uuid4().hex


def _message_id() -> str:
    # The sender's own domain: a Message-ID names the host that made it (RFC 5322 3.6.4).
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "cityloom.localhost"
    return make_msgid(domain=domain)


class OutgoingMail(models.Model):
    """One e-mail to send, written in the same transaction as the change it tells about.

    The row is the unit of exactly-once: a task claims it (queued -> sending) with a
    conditional update, sends it, marks it sent; a task run again on a sent row does nothing.
    """

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("mail state", "queued")
        SENDING = "sending", pgettext_lazy("mail state", "sending")
        SENT = "sent", pgettext_lazy("mail state", "sent")
        FAILED = "failed", pgettext_lazy("mail state", "failed")

    key = models.CharField(_("key"), max_length=200, unique=True, default=_mail_key)
    to = models.EmailField(_("to"), max_length=254)
    template = models.CharField(_("template"), max_length=200)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    # Kept from the first attempt to the last: a receiver that got a message twice (the one
    # crash window documented in cityloom/core/mail.py) sees the same Message-ID and drops one.
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=_message_id, editable=False
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_by = models.CharField(_("claimed by worker"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} → {self.to} ({self.state})"


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life; one silent for longer than the lease is taken as dead."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    seen_at = models.DateTimeField(_("last seen at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


def _document_path(instance, filename: str) -> str:
    return f"documents/{instance.kind}/{filename}"


class RenderedDocument(models.Model):
    """A document (a report as a PDF) rendered once for a given state of its data, then served.

    The key is (kind, object id, language, format, data version): a change in the data gives a
    new version, so a new row and a new build; pages never render, they serve `file` or wait.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("document status", "queued")
        RUNNING = "running", pgettext_lazy("document status", "being prepared")
        DONE = "done", pgettext_lazy("document status", "ready")
        FAILED = "failed", pgettext_lazy("document status", "failed")

    kind = models.CharField(_("kind"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("object id"))
    language = models.CharField(_("language"), max_length=10)
    format = models.CharField(_("format"), max_length=10, default="pdf")
    data_version = models.CharField(_("data version"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=_document_path, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language", "format", "data_version"],
                name="one_rendering_per_data_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.language} {self.format} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)
