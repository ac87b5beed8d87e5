"""Writes and renderings of the annual report: each public function is one entry point."""

from .facts import AnnualFacts, annual_facts, mentoring_stage
from .render import (
    DRAFT_KIND,
    PUBLISHED_KIND,
    ReportContent,
    render_html,
    render_pdf,
    report_content,
    request_pdf,
)
from .report import (
    ReportError,
    check_year,
    ensure_report,
    publish_report,
    report_years,
    save_texts,
)

__all__ = [
    "DRAFT_KIND",
    "PUBLISHED_KIND",
    "AnnualFacts",
    "ReportContent",
    "ReportError",
    "annual_facts",
    "check_year",
    "ensure_report",
    "mentoring_stage",
    "publish_report",
    "render_html",
    "render_pdf",
    "report_content",
    "report_years",
    "request_pdf",
    "save_texts",
]
