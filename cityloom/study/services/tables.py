"""Reading an uploaded table (XLSX or CSV) without trusting it.

A spreadsheet under the upload size can still be a bomb: a zip whose sheet expands to
millions of rows, a row of a million cells, XML entities. Each is refused from what can be
learnt cheaply (the archive's directory, a streaming scan that stops at the first excess)
before openpyxl or the CSV reader builds anything. benchmarks/bench_uploads.py times it.
"""

import csv
import io
import pyexpat
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .problems import StudyError

MAX_UPLOAD_SIZE = 1024 * 1024
# An XLSX file is a zip archive whose parts openpyxl reads decompressed. The template of the
# largest bundled framework (ISO 37120, 100 indicators), filled in, is 63 kB decompressed and
# compresses 7 times (a spreadsheet program adds a few tens of kB); a zip bomb declares
# hundreds of megabytes at ratios near 1000.
MAX_EXPANDED = 4 * 1024 * 1024
MAX_RATIO = 100
MIN_EXPANDED_FOR_RATIO = 512 * 1024  # below it, a high ratio costs nothing to read
MAX_PARTS = 100
# XML elements in all the parts: the filled ISO 37120 template has under three thousand.
MAX_ELEMENTS = 60_000
# Rows a person may leave under the indicators (blank lines, a note) before the file is refused.
SPARE_ROWS = 50
MAX_COLUMNS = 50
MAX_LINE = 20_000  # characters in a line of a CSV file


class SpreadsheetError(StudyError):
    """A file that cannot be used; `problems` lists every problem (by row and column if known)."""


def row_limit(indicators: int) -> int:
    """The most rows an upload may have: the header, one per indicator, and some spare."""
    return 1 + indicators + SPARE_ROWS


def _too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        [
            _(
                "The file has more than %(limit)s rows: the template of this edition has "
                "%(rows)s. Remove the rows below the indicators."
            )
            % {"limit": limit, "rows": limit - SPARE_ROWS}
        ]
    )


def _too_many_columns(width: int) -> SpreadsheetError:
    return SpreadsheetError(
        [
            _("The file has more than %(limit)s columns: the template has %(columns)s.")
            % {"limit": MAX_COLUMNS, "columns": width}
        ]
    )


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError([_("This file is not a valid XLSX spreadsheet.")])


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from its directory, before anything is decompressed.

    zipfile never returns more than a part's declared size (it fails the CRC check instead),
    so the declared sizes bound what may be read.
    """
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise SpreadsheetError(
            [
                _(
                    "This spreadsheet has %(count)s parts, far more than a questionnaire needs: "
                    "it was not read. Save it again from your spreadsheet program, or upload it "
                    "as CSV."
                )
                % {"count": len(infos)}
            ]
        )
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if expanded > MAX_EXPANDED:
        raise SpreadsheetError(
            [
                _(
                    "Once opened, this spreadsheet would take %(size)s; the limit is %(limit)s. "
                    "Upload the template with only its own rows and columns."
                )
                % {"size": filesizeformat(expanded), "limit": filesizeformat(MAX_EXPANDED)}
            ]
        )
    if expanded > MIN_EXPANDED_FOR_RATIO and expanded > MAX_RATIO * max(packed, 1):
        raise SpreadsheetError(
            [
                _(
                    "This spreadsheet is compressed %(ratio)s times, far more than a real one: "
                    "it was not read. Save it again from your spreadsheet program, or upload it "
                    "as CSV."
                )
                % {"ratio": expanded // max(packed, 1)}
            ]
        )


class _Refused(Exception):
    def __init__(self, error: SpreadsheetError):
        self.error = error


def _scan(archive: zipfile.ZipFile, *, limit: int, width: int) -> None:
    """Stream every XML part through expat before openpyxl reads any: no DTD, a bounded number
    of elements, and in worksheets at most `limit` rows of at most MAX_COLUMNS cells.

    openpyxl parses a sheet without a declared dimension whole as it opens the file, and
    builds every cell of a row before it can be told to stop; this scan stops at the first
    element too many, so a hostile file costs no more than the start of its first bad part.
    """
    budget = MAX_ELEMENTS
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            scanner = _PartScanner(
                budget=budget,
                limit=limit,
                width=width,
                is_sheet=info.filename.startswith("xl/worksheets/"),
            )
            with archive.open(info) as part:
                scanner.feed(part)
            budget = scanner.budget


class _PartScanner:
    def __init__(self, *, budget: int, limit: int, width: int, is_sheet: bool):
        self.budget, self.limit, self.width, self.is_sheet = budget, limit, width, is_sheet
        self.rows = self.cells = 0

    def feed(self, part) -> None:
        parser = pyexpat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.StartDoctypeDeclHandler = self.doctype
        while chunk := part.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def doctype(self, *args) -> None:
        raise _Refused(_not_xlsx())  # entities are how XML bombs expand

    def start(self, tag: str, attrs: dict) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _Refused(_too_complex())
        if not self.is_sheet:
            return
        name = tag.rpartition(":")[2]  # "row", or "x:row" from writers that prefix
        if name == "row":
            self.rows, self.cells = self.rows + 1, 0
            number = attrs.get("r", "")
            if self.rows > self.limit or (number.isdigit() and int(number) > self.limit):
                raise _Refused(_too_many_rows(self.limit))
        elif name == "c":
            self.cells += 1
            if self.cells > MAX_COLUMNS:
                raise _Refused(_too_many_columns(self.width))


def _too_complex() -> SpreadsheetError:
    return SpreadsheetError(
        [
            _(
                "This spreadsheet holds far more than a questionnaire needs (over %(count)s "
                "elements): it was not read. Upload the template with only its own rows and "
                "columns, or upload it as CSV."
            )
            % {"count": MAX_ELEMENTS}
        ]
    )


def _read_xlsx(content: bytes, *, limit: int, width: int) -> list[list]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _check_archive(archive)
        _scan(archive, limit=limit, width=width)
    except _Refused as refused:
        raise refused.error from None
    except (zipfile.BadZipFile, pyexpat.ExpatError, RuntimeError, OSError):
        # Not a zip, a bad CRC, broken XML, or what zipfile cannot read: an encrypted member
        # (RuntimeError) or an unknown compression method (its subclass NotImplementedError).
        raise _not_xlsx() from None
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            # The declared dimension answers at once; a file may omit it or lie, so the rows
            # read stop at the first one past the limit anyway.
            if ws.max_row is not None and ws.max_row > limit:
                raise _too_many_rows(limit)
            if ws.max_column is not None and ws.max_column > MAX_COLUMNS:
                raise _too_many_columns(width)
            read = min(ws.max_column or width, width)
            rows = []
            for row in ws.iter_rows(max_row=limit + 1, max_col=read, values_only=True):
                if len(rows) == limit:
                    raise _too_many_rows(limit)
                rows.append(list(row))
        finally:
            wb.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        raise _not_xlsx() from None
    return rows


def _read_csv(content: bytes, *, limit: int, width: int) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError([_("The CSV file must be encoded in UTF-8.")]) from None
    lines = text.split("\n")
    if max(map(len, lines)) > MAX_LINE:
        number = next(n for n, line in enumerate(lines, start=1) if len(line) > MAX_LINE)
        raise SpreadsheetError(
            [
                _("Line %(line)s of the CSV file has more than %(limit)s characters.")
                % {"line": number, "limit": MAX_LINE}
            ]
        )
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if len(rows) == limit:
                raise _too_many_rows(limit)
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns(width)
            rows.append(row)
    except csv.Error:
        raise SpreadsheetError([_("The CSV file cannot be read.")]) from None
    return rows


def read_table(name: str, content: bytes, *, indicators: int, width: int) -> list[list]:
    """Rows of an uploaded XLSX or CSV file (header included), of a template with a row per
    indicator and `width` columns; at most `row_limit(indicators)` rows are read.

    Raise SpreadsheetError, quickly: the size of what the file would become is checked
    before it is read, and reading stops at the first row past the limit.
    """
    limit = row_limit(indicators)
    if len(content) > MAX_UPLOAD_SIZE:
        raise SpreadsheetError([_("The file is larger than 1 MB.")])
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise _not_xlsx()
        return _read_xlsx(content, limit=limit, width=width)
    if lower.endswith(".csv"):
        return _read_csv(content, limit=limit, width=width)
    raise SpreadsheetError([_("Upload the template as an .xlsx or .csv file.")])
