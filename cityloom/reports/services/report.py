"""Writes on annual reports: texts saved as versions, publication. One transaction each."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core.errors import ServiceError
from cityloom.core.models import record
from cityloom.network import queries as network_queries
from cityloom.reports import permissions
from cityloom.reports.models import AnnualReport, ReportText

FIRST_YEAR = 2000
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class ReportError(ServiceError):
    """A request on a report that must not be recorded; the message is for its author."""


def check_year(year: int) -> int:
    """A year that has begun and is not before the platform's first reports."""
    last = timezone.localdate().year
    if not FIRST_YEAR <= year <= last:
        raise ReportError(
            _("Reports cover the years %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": last},
            code="year",
            field="year",
        )
    return year


def _report_for_update(commission, year: int) -> AnnualReport:
    report, _created = AnnualReport.objects.get_or_create(commission=commission, year=year)
    return AnnualReport.objects.select_for_update().get(pk=report.pk)


def ensure_report(commission, year: int, *, by) -> AnnualReport:
    """The report row of (commission, year), made when the secretariat first acts on it."""
    if not permissions.can_manage_report(by, commission):
        raise PermissionDenied
    check_year(year)
    with transaction.atomic():
        report, _created = AnnualReport.objects.get_or_create(commission=commission, year=year)
    return report


def save_texts(
    commission,
    year: int,
    *,
    language: str,
    introduction: str,
    relations: str,
    conclusion: str,
    by,
) -> ReportText:
    """Save the editable texts in `language` as a new version (earlier versions are kept)."""
    if not permissions.can_manage_report(by, commission):
        raise PermissionDenied
    check_year(year)
    if language not in LANGUAGES:
        raise ReportError(_("Choose one of the platform's languages."), field="language")
    with transaction.atomic():
        report = _report_for_update(commission, year)
        last = report.texts.filter(language=language).aggregate(n=Max("number"))["n"] or 0
        text = ReportText.objects.create(
            report=report,
            language=language,
            number=last + 1,
            introduction=introduction.strip(),
            relations=relations.strip(),
            conclusion=conclusion.strip(),
            author=by,
        )
        record("report.texts", report, actor=by, language=language, version=text.number)
    return text


def publish_report(commission, year: int, *, by) -> AnnualReport:
    """Publish the report: visitors then read it, with the latest texts of each language."""
    if not permissions.can_publish_report(by, commission):
        raise PermissionDenied
    check_year(year)
    if year >= timezone.localdate().year:
        raise ReportError(
            _("The report of %(year)s can be published once the year is over.") % {"year": year},
            code="year_not_over",
        )
    with transaction.atomic():
        report = _report_for_update(commission, year)
        latest = {}
        for text in report.texts.order_by("language", "number"):
            latest[text.language] = text.pk
        report.published_texts = latest
        report.status = AnnualReport.Status.PUBLISHED
        report.published_at = timezone.now()
        report.published_by = by
        report.save()
        record("report.publish", report, actor=by, texts=latest)
    return report


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def report_years(commission, *, count: int = 12) -> list[int]:
    """The years the secretariat may write a report for, newest first: back to the year the
    commission's first member joined (its whole history), else the last `count` years."""
    last = timezone.localdate().year
    first = network_queries.first_year_of(commission) or last - count
    return list(range(last, max(FIRST_YEAR, first) - 1, -1))
