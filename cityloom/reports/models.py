from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.models import TimeStampedModel
from cityloom.network.models import Commission


class AnnualReport(TimeStampedModel):
    """A commission's activity report for one year: facts from the platform, texts written."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("report status", "draft")
        PUBLISHED = "published", pgettext_lazy("report status", "published")

    commission = models.ForeignKey(
        Commission,
        verbose_name=_("commission"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The text versions visitors read, by language ({"fr": <ReportText id>}): later edits stay
    # drafts until the report is published again.
    published_texts = models.JSONField(_("published texts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "year"], name="one_report_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.commission} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report-detail", args=[self.commission.slug, self.year])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReportText(models.Model):
    """One saved version of a report's editable texts in one language."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(_("version"))
    introduction = models.TextField(_("introduction"), max_length=20_000, blank=True)
    relations = models.TextField(
        _("relations with other commissions and networks"), max_length=20_000, blank=True
    )
    conclusion = models.TextField(_("conclusion"), max_length=20_000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report text version")
        verbose_name_plural = _("report text versions")
        ordering = ["report", "language", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language", "number"], name="one_report_text_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} [{self.language}] v{self.number}"
