"""The observatory: reference publications, the feeds it follows, the topics it watches."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cityloom.core.axes import Axis
from cityloom.core.fields import ChoicesListField
from cityloom.core.models import Tag, TimeStampedModel


class Source(TimeStampedModel):
    """An RSS or Atom feed the secretariat follows; polled in the background."""

    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("feed address"), max_length=500, unique=True)
    axis = models.CharField(_("axis"), max_length=12, choices=Axis, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("followed"), default=True)
    poll_every_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=60)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll at"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    error_count = models.PositiveIntegerField(_("errors in a row"), default=0)
    items_added = models.PositiveIntegerField(_("items added"), default=0)

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("observatory:source-detail", args=[self.pk])


def publication_path(instance, filename: str) -> str:
    return f"observatory/{filename}"


class Publication(TimeStampedModel):
    """A reference document, entered by the secretariat or brought in by a feed."""

    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # A publication may serve several axes.
    axes = ChoicesListField(_("axes"), choices=Axis, blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="publications"
    )
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=publication_path, blank=True, max_length=300)
    pdf_size = models.PositiveIntegerField(_("PDF size in bytes"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    # Folded title, summary and text: searched with one indexed column.
    search_text = models.TextField(blank=True, editable=False)
    source = models.ForeignKey(
        Source,
        verbose_name=_("feed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    guid = models.CharField(_("feed item id"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            # A feed item is added once: the database refuses a second copy, whoever polls.
            models.UniqueConstraint(
                fields=["source", "guid"],
                condition=~models.Q(guid=""),
                name="feed_item_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("observatory:publication-detail", args=[self.pk])


class WatchedTopic(models.Model):
    """A topic the secretariat watches on one axis: its mentions are counted over time."""

    axis = models.CharField(_("axis"), max_length=12, choices=Axis)
    label = models.CharField(_("topic"), max_length=100)
    terms = models.CharField(
        _("words to look for"),
        max_length=300,
        help_text=_("Comma separated; any form of the word matches, accents ignored."),
    )

    class Meta:
        verbose_name = _("watched topic")
        verbose_name_plural = _("watch list")
        ordering = ["axis", "label"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "label"], name="one_topic_per_axis_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]
