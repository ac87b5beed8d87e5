"""Hostile spreadsheets, built from a real template: the test suite and benchmarks/bench_uploads.py
both use them.

A sheet's XML is streamed into the archive compressed, so a file of a few hundred kilobytes
can declare hundreds of megabytes without the test ever holding them in memory.
"""

import io
import zipfile
from collections.abc import Iterator

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
# A row without an `r` attribute: openpyxl counts it, and identical rows compress ~1000 times.
ROW = b'<row><c t="inlineStr"><is><t>ECO.1.1</t></is></c><c><v>1</v></c></row>'


def with_sheet(template: bytes, chunks: Iterator[bytes], *, dimension: str | None) -> bytes:
    """`template` (an XLSX file) with its first sheet's rows replaced by `chunks`."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != SHEET:
                archive.writestr(info, source.read(info.filename))
                continue
            with archive.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(HEAD)
                if dimension:
                    sheet.write(b'<dimension ref="%s"/>' % dimension.encode())
                sheet.write(b"<sheetData>")
                for chunk in chunks:
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def rows(count: int, *, row: bytes = ROW, per_chunk: int = 10_000) -> Iterator[bytes]:
    for start in range(0, count, per_chunk):
        yield row * min(per_chunk, count - start)


def bomb(template: bytes, *, count: int = 4_000_000) -> bytes:
    """Millions of rows, no dimension: under 1 MB, hundreds of megabytes once opened."""
    return with_sheet(template, rows(count), dimension=None)


def wide_row(template: bytes, *, cells: int) -> bytes:
    """One row of `cells` cells and no dimension: few rows, all the expanded size in one."""
    cell = b"<c><v>1</v></c>"
    body = [b"<row>", *(cell * 10_000 for _ in range(cells // 10_000)), b"</row>"]
    return with_sheet(template, iter(body), dimension=None)


def unknown_compression(content: bytes) -> bytes:
    """The same archive with every member marked as compressed by method 99, which no reader
    knows: zipfile refuses to open such a member with NotImplementedError."""
    data = bytearray(content)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + offset : found + offset + 2] = (99).to_bytes(2, "little")
            start = found + 4
    return bytes(data)
