"""Reads of the annual reports (pages, API, command line)."""

from django.db.models import QuerySet

from cityloom.network import queries as network_queries

from .models import AnnualReport, ReportText


def report_of(commission, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(commission=commission, year=year).first()


def reports_of(commission, *, drafts: bool) -> QuerySet[AnnualReport]:
    reports = AnnualReport.objects.filter(commission=commission).select_related("commission")
    if not drafts:
        reports = reports.filter(status=AnnualReport.Status.PUBLISHED)
    return reports.order_by("-year")


def commission_by_slug(slug: str):
    return network_queries.commissions().filter(slug=slug).select_related("president_city").first()


def default_commission():
    """The commission a report URL without one means (the featured one, as on the home page)."""
    commission = network_queries.featured_commission()
    if commission is None:
        return None
    return commission_by_slug(commission.slug)


def current_texts(
    report: AnnualReport | None, language: str, *, published: bool
) -> ReportText | None:
    """The texts shown in `language`: the published version, or (for drafts) the latest saved."""
    if report is None:
        return None
    if published:
        pk = (report.published_texts or {}).get(language)
        return ReportText.objects.filter(pk=pk, report=report).first() if pk else None
    return report.texts.filter(language=language).order_by("-number").first()


def text_versions(report: AnnualReport | None, language: str) -> list[ReportText]:
    if report is None:
        return []
    return list(report.texts.filter(language=language).select_related("author").order_by("-number"))
