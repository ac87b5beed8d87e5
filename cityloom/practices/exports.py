"""Practices out of Cityloom: CSV and XLSX for the secretariat, PDF for compendiums."""

import csv
import io
from pathlib import Path

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from cityloom.core import pdf as core_pdf

from .models import Practice

PRINT_CSS = Path(__file__).parent / "static" / "practices" / "compendium-print.css"


def practices_for_export(commissions) -> QuerySet:
    return (
        Practice.objects.filter(commission__in=commissions)
        .select_related("city", "contact")
        .prefetch_related("sdgs", "tags")
        .annotate(transfer_count=Count("transfers"))
        .order_by("id")
    )


def _rows(practices):
    yield [
        _("Id"),
        _("Title"),
        _("City"),
        _("Country"),
        _("Axis"),
        _("Language"),
        _("Status"),
        _("Published at"),
        _("Labelled"),
        _("Goals"),
        _("Tags"),
        _("Cost"),
        _("Contact person"),
        _("Adoptions"),
    ]
    for p in practices:
        yield [
            p.pk,
            p.title,
            p.city.name,
            p.country_code,
            p.get_axis_display(),
            p.language,
            p.get_status_display(),
            p.published_at.strftime("%Y-%m-%d %H:%M") if p.published_at else "",
            _("yes") if p.is_labelled else _("no"),
            " ".join(str(s.goal) for s in p.sdgs.all()),
            ", ".join(t.name for t in p.tags.all()),
            p.get_cost_range_display(),
            p.contact.email if p.contact else "",
            p.transfer_count,
        ]


def _safe(value):
    # A cell starting with = + - @ runs as a formula in spreadsheets: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(practices) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(practices):
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()


def to_xlsx(practices) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Practices")[:31])
    for row in _rows(practices):
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_to_pdf(html: str) -> bytes:
    return core_pdf.html_to_pdf(html, stylesheet=PRINT_CSS)
