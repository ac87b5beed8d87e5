"""Bulk entry: a city's template as XLSX or CSV, and the upload that fills it back in.

Every cell is checked and every problem listed with its row and column; nothing is
saved unless the whole file is valid.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cityloom.study.models import Node, Questionnaire, ValueChange

from .problems import Problem
from .questionnaire import QuestionnaireError, Row, display_value, save_values
from .tables import SpreadsheetError, read_table

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


def cell_problem(row: int, column: str, header: str, message: str) -> Problem:
    """A problem with one cell: `where` is the row number, `field` the column letter."""
    return Problem(
        _("Row %(row)s, column %(column)s (%(header)s): %(message)s")
        % {"row": row, "column": column, "header": header, "message": message},
        where=str(row),
        field=column,
    )


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
                node.display_unit,
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


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def import_spreadsheet(questionnaire: Questionnaire, name: str, content: bytes, *, by) -> list[str]:
    """Check every cell; save the whole file or nothing. Returns the plausibility warnings."""
    table = read_table(
        name,
        content,
        indicators=questionnaire.edition.framework.nodes.indicators().count(),
        width=len(COLUMNS),
    )
    head = headers()
    if not table or len(table[0]) < len(COLUMNS):
        raise SpreadsheetError(
            [
                _("The first row must hold the template's %(count)s column headers.")
                % {"count": len(COLUMNS)}
            ]
        )
    errors: list[Problem] = []
    rows: dict[str, Row] = {}
    where: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        cells = list(cells) + [None] * (len(COLUMNS) - len(cells))
        if all(_text(c) == "" for c in cells):
            continue
        code = _text(cells[0])
        if not code:
            errors.append(cell_problem(number, "A", head[0], _("The indicator code is missing.")))
            continue
        if code in where:
            errors.append(
                cell_problem(
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
        for p in exc.problems:
            column = FIELD_COLUMNS.get(p.field, 5)
            errors.append(
                cell_problem(
                    where.get(p.where, 0), get_column_letter(column + 1), head[column], p.message
                )
            )
    errors.sort(key=lambda e: (int(e.where), e.field))
    raise SpreadsheetError(errors)
