"""Bulk entry: a city's template as XLSX or CSV, and the upload that fills it back in.

Every cell is checked and every problem listed with its row and column; nothing is
saved unless the whole file is valid.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from cityloom.study.models import Node, Questionnaire, ValueChange

from .questionnaire import QuestionnaireError, Row, display_value, save_values

MAX_UPLOAD_SIZE = 1024 * 1024
COLUMNS = (
    "code",
    "indicator",
    "unit",
    "type",
    "allowed",
    "value",
    "year",
    "source",
    "note",
    "evidence",
)
FIELD_COLUMNS = {"code": 0, "value": 5, "year": 6, "source": 7, "note": 8, "evidence": 9}


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the spreadsheet letter
    header: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s (%(header)s): %(message)s") % {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }


class SpreadsheetError(Exception):
    """A file that cannot be used; `errors` lists every problem (CellError or text)."""

    def __init__(self, errors: list):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def headers() -> list[str]:
    return [
        _("Code"),
        _("Indicator"),
        _("Unit"),
        _("Value type"),
        _("Allowed values"),
        _("Value"),
        _("Year"),
        _("Source"),
        _("Note"),
        _("Evidence (link)"),
    ]


def _allowed(indicator: Node) -> str:
    if indicator.value_type == Node.ValueType.BOOLEAN:
        return _("yes / no")
    if indicator.value_type == Node.ValueType.CATEGORY:
        return " | ".join(indicator.categories)
    low, high = indicator.bounds()
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    return _("a number")


def template_rows(questionnaire: Questionnaire) -> list[list]:
    """One row per indicator, filled with the city's current values."""
    values = {v.indicator_id: v for v in questionnaire.values.all()}
    rows = []
    for node in questionnaire.edition.framework.nodes.indicators().order_by("position"):
        v = values.get(node.pk)
        rows.append(
            [
                node.code,
                node.display_name,
                node.unit,
                node.get_value_type_display(),
                _allowed(node),
                display_value(node, v.number) if v else "",
                v.year if v and v.year else "",
                v.source if v else "",
                v.note if v else "",
                v.evidence_url if v else "",
            ]
        )
    return rows


def template_xlsx(questionnaire: Questionnaire) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "questionnaire"[:31]
    ws.append(headers())
    for row in template_rows(questionnaire):
        ws.append(row)
    ws.freeze_panes = "F2"
    for index, width in enumerate((14, 50, 16, 14, 28, 14, 8, 30, 30, 30), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(questionnaire: Questionnaire) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    writer.writerows(template_rows(questionnaire))
    return out.getvalue()


def read_table(name: str, content: bytes) -> list[list]:
    """Rows of an uploaded XLSX or CSV file (header included); raise SpreadsheetError."""
    if len(content) > MAX_UPLOAD_SIZE:
        raise SpreadsheetError([_("The file is larger than 1 MB.")])
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise SpreadsheetError([_("This file is not a valid XLSX spreadsheet.")])
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            wb.close()
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
            raise SpreadsheetError([_("This file is not a valid XLSX spreadsheet.")]) from None
        return rows
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpreadsheetError([_("The CSV file must be encoded in UTF-8.")]) from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            return list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            raise SpreadsheetError([_("The CSV file cannot be read.")]) from None
    raise SpreadsheetError([_("Upload the template as an .xlsx or .csv file.")])


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def import_spreadsheet(questionnaire: Questionnaire, name: str, content: bytes, *, by) -> list[str]:
    """Check every cell; save the whole file or nothing. Returns the plausibility warnings."""
    table = read_table(name, content)
    head = headers()
    if not table or len(table[0]) < len(COLUMNS):
        raise SpreadsheetError(
            [
                _("The first row must hold the template's %(count)s column headers.")
                % {"count": len(COLUMNS)}
            ]
        )
    errors: list = []
    rows: dict[str, Row] = {}
    where: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        cells = list(cells) + [None] * (len(COLUMNS) - len(cells))
        if all(_text(c) == "" for c in cells):
            continue
        code = _text(cells[0])
        if not code:
            errors.append(CellError(number, "A", head[0], _("The indicator code is missing.")))
            continue
        if code in where:
            errors.append(
                CellError(
                    number,
                    "A",
                    head[0],
                    _("Code %(code)s already appears in row %(row)s.")
                    % {"code": code, "row": where[code]},
                )
            )
            continue
        where[code] = number
        value_cell = cells[5]
        rows[code] = Row(
            value=value_cell if isinstance(value_cell, int | float) else _text(value_cell),
            year=_text(cells[6]),
            source=_text(cells[7]),
            note=_text(cells[8]),
            evidence_url=_text(cells[9]),
        )
    try:
        return save_values(
            questionnaire,
            by=by,
            rows=rows,
            action=ValueChange.Action.UPLOAD,
            check_only=bool(errors),
        )
    except QuestionnaireError as exc:
        for code, field_name, message in exc.problems:
            column = FIELD_COLUMNS.get(field_name, 5)
            errors.append(
                CellError(where.get(code, 0), get_column_letter(column + 1), head[column], message)
            )
    errors.sort(key=lambda e: (e.row, e.column))
    raise SpreadsheetError(errors)
