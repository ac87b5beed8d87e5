"""The results as files: CSV, XLSX and JSON, the report as a page and as a PDF."""

from pathlib import Path

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from cityloom.core.pdf import html_to_pdf
from cityloom.study import exports
from cityloom.study.report import report_context

from .base import edition_or_404

PRINT_CSS = Path(__file__).parent.parent / "static" / "study" / "report-print.css"


@require_GET
def download(request, pk, fmt):
    edition = edition_or_404(pk)
    if not edition.is_published:
        raise Http404
    computation = edition.published_computation
    name = f"smart-cities-study-{edition.year}"
    if fmt == "csv":
        response = HttpResponse(
            # ?header=codes: the former layout (codes as the only header row), for scripts.
            exports.as_csv(edition, computation, codes_only=request.GET.get("header") == "codes"),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(edition, computation),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "json":
        response = HttpResponse(
            exports.as_json(edition, computation), content_type="application/json"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def report(request, pk):
    edition = edition_or_404(pk)
    if not edition.is_published:
        raise Http404
    return render(request, "study/report.html", report_context(edition))


def report_pdf(request, pk):
    edition = edition_or_404(pk)
    if not edition.is_published:
        raise Http404
    html = render_to_string("study/report_print.html", report_context(edition), request=request)
    pdf = html_to_pdf(html, stylesheet=PRINT_CSS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="smart-cities-study-{edition.year}.pdf"'
    return response
