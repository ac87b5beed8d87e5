"""The report as one document: its content (facts and texts), HTML and PDF, and stored PDFs.

One template (`reports/_report_body.html`) makes both the page and the PDF. A public request
never renders a PDF: `request_pdf` returns the stored document for the current data version
(a fingerprint of the facts and texts), whose build cityloom/core/documents.py enqueues once.
"""

from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cityloom.core import documents
from cityloom.core.models import RenderedDocument
from cityloom.core.pdf import html_to_pdf
from cityloom.reports import queries
from cityloom.reports.models import AnnualReport, ReportText

from .facts import AnnualFacts, annual_facts
from .report import ensure_report

PUBLISHED_KIND = "annual-report"
DRAFT_KIND = "annual-report-draft"


@dataclass
class ReportContent:
    commission: object
    year: int
    language: str
    facts: AnnualFacts
    texts: ReportText | None
    report: AnnualReport | None
    is_draft: bool

    def as_dict(self) -> dict:
        texts = self.texts
        return {
            "year": self.year,
            "language": self.language,
            "status": "draft" if self.is_draft else "published",
            "texts": {
                "introduction": texts.introduction if texts else "",
                "relations": texts.relations if texts else "",
                "conclusion": texts.conclusion if texts else "",
                "version": texts.number if texts else None,
            },
            "facts": self.facts.as_dict(),
        }

    @property
    def data_version(self) -> str:
        return documents.fingerprint(self.as_dict())


def report_content(commission, year: int, *, language: str, draft: bool) -> ReportContent:
    """Facts and texts of the report in `language`: the published state, or the latest draft."""
    report = queries.report_of(commission, year)
    with translation.override(language):
        facts = annual_facts(commission, year)
    return ReportContent(
        commission=commission,
        year=year,
        language=language,
        facts=facts,
        texts=queries.current_texts(report, language, published=not draft),
        report=report,
        is_draft=draft,
    )


def render_html(content: ReportContent) -> str:
    """The report as a standalone HTML document (the PDF's source, the `--format html` file)."""
    with translation.override(content.language):
        return render_to_string(
            "reports/report_document.html",
            {"content": content, "facts": content.facts, "generated_at": timezone.now()},
        )


def render_pdf(content: ReportContent) -> bytes:
    return html_to_pdf(render_html(content), stylesheet=finders.find("reports/report.css"))


def _render(report_id: int, language: str, fmt: str, progress, *, draft: bool) -> bytes:
    report = AnnualReport.objects.select_related("commission__president_city").get(pk=report_id)
    content = report_content(report.commission, report.year, language=language, draft=draft)
    progress(40)
    html = render_html(content)
    if fmt == "html":
        return html.encode()
    progress(60)
    return html_to_pdf(html, stylesheet=finders.find("reports/report.css"))


def render_published(report_id: int, language: str, fmt: str, progress) -> bytes:
    return _render(report_id, language, fmt, progress, draft=False)


def render_draft(report_id: int, language: str, fmt: str, progress) -> bytes:
    return _render(report_id, language, fmt, progress, draft=True)


def request_pdf(commission, year: int, *, language: str, draft: bool, by=None) -> RenderedDocument:
    """The stored PDF of the report for the current data (its build enqueued if new).

    `draft` (the secretariat's, checked by `ensure_report`) shows the latest texts; otherwise
    the report must be published.
    """
    if draft:
        report = ensure_report(commission, year, by=by)
    else:
        report = queries.report_of(commission, year)
        if report is None or not report.is_published:
            raise AnnualReport.DoesNotExist
    content = report_content(commission, year, language=language, draft=draft)
    return documents.request_document(
        DRAFT_KIND if draft else PUBLISHED_KIND,
        report.pk,
        language=language,
        data_version=content.data_version,
    )
