"""The platform's one upload policy: types read from the bytes, size caps, random names, downloads."""

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile, FileField
from django.http import Http404
from django.utils import translation
from openpyxl import Workbook

from cityloom.core import uploads

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
EVERYTHING = uploads.Policy(
    types=uploads.OFFICE_AND_IMAGES,
    max_bytes=1024 * 1024,
)


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def archive(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


DOCX = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
ODT = archive({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = archive(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", PDF, uploads.PDF),
        # The name and the browser's claim count for nothing: the bytes decide.
        ("report.exe", PDF, uploads.PDF),
        ("photo.png", PNG, uploads.PNG),
        ("photo.jpeg", JPEG, uploads.JPEG),
        ("data.xlsx", xlsx(), uploads.XLSX),
        ("letter.docx", DOCX, uploads.DOCX),
        ("letter.odt", ODT, uploads.ODT),
        ("sheet.ods", ODS, uploads.ODS),
        ("values.csv", b"code;valeur\nECO.1;12,5\n", uploads.CSV),
        ("notes.txt", b"Source : INE, 2013\n", uploads.TEXT),
        ("notes", "Source : INE, 2013\n".encode("latin-1"), uploads.TEXT),
    ],
)
def test_type_is_read_from_the_bytes(name, content, expected):
    checked = uploads.check(upload(name, content), EVERYTHING)
    assert (checked.file_type, checked.size, checked.original_name) == (
        expected,
        len(content),
        name,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", HTML),  # an HTML page renamed .pdf
        ("notes.txt", b"  \n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("data.xml", b"\xef\xbb\xbf<?xml version='1.0'?><x/>"),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("empty.pdf", b""),
        (
            "macro.xlsx",
            archive({"[Content_Types].xml": b"", "xl/workbook.xml": b"", "xl/vbaProject.bin": b""}),
        ),
        ("other.zip", archive({"a.txt": b"a"})),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_other_bytes_are_refused_whatever_the_name(name, content):
    with pytest.raises(ValidationError) as error:
        uploads.check(upload(name, content), EVERYTHING)
    assert error.value.code == "wrong_type"
    assert error.value.messages == [
        "This file is not of an accepted type (PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS, CSV, TXT)."
    ]


def test_a_type_outside_the_policy_is_refused_even_if_recognised():
    policy = uploads.Policy(types=(uploads.PDF,), max_bytes=1000)
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("photo.pdf", PNG), policy)
    assert error.value.messages == ["This file is not of an accepted type (PDF)."]
    # Text is not a fallback for a policy that does not accept it.
    with pytest.raises(ValidationError):
        uploads.check(upload("notes.pdf", b"plain words"), policy)


def test_too_big_names_the_limit_in_the_readers_language():
    policy = uploads.Policy(types=(uploads.PDF,), max_bytes=2 * 1024 * 1024)
    big = upload("big.pdf", PDF + b"0" * (3 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        uploads.check(big, policy)
    assert error.value.code == "too_big"
    assert error.value.messages == ["The file is too big (3.0\xa0MB); the limit is 2.0\xa0MB."]
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        uploads.check(big, policy)
    assert error.value.messages == [
        "Le fichier est trop volumineux (3,0\xa0Mio) ; la limite est de 2,0\xa0Mio."
    ]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Budget 2013.pdf", "Budget 2013.pdf"),
        ('evil"\r\nSet-Cookie: x=1.pdf', 'evil"Set-Cookie: x=1.pdf'),
        ("\u202etxt.exe", "txt.exe"),  # a right-to-left override hides the real extension
        ("...hidden", "hidden"),
        ("Plan\u00a0de  mobilité.pdf", "Plan de mobilité.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_the_uploaders_name_is_only_data(given, kept):
    assert uploads.clean_name(given) == kept


def test_a_name_of_nothing_gets_one():
    assert uploads.check(upload("\r\n", PDF), EVERYTHING).original_name == "file.pdf"


def test_stored_names_are_random_and_keep_nothing_of_the_uploaders():
    names = {uploads.random_name(uploads.PDF) for _ in range(100)}
    assert len(names) == 100
    assert all(re.fullmatch(r"[a-z0-9]{32}\.pdf", n) for n in names)


@pytest.mark.parametrize(
    ("original", "file_type", "expected"),
    [
        ("Budget 2013.pdf", uploads.PDF, "Budget 2013.pdf"),
        ("photo.JPEG", uploads.JPEG, "photo.JPEG"),
        # The bytes were a PDF: the download opens as one.
        ("scan.png", uploads.PDF, "scan.pdf"),
        ("scan", uploads.PDF, "scan.pdf"),
        ("", uploads.PDF, "evidence-1.pdf"),
        ("old name.doc", uploads.UNKNOWN, "old name.doc"),
    ],
)
def test_download_name_fits_the_type(original, file_type, expected):
    assert uploads.download_name(original, file_type, fallback="evidence-1") == expected


@pytest.fixture
def field_file(tmp_path):
    field = FileField(upload_to="things/", storage=FileSystemStorage(location=tmp_path))
    field.set_attributes_from_name("file")

    def make(name: str = "") -> FieldFile:
        return FieldFile(SimpleNamespace(file=name), field, name)

    return make


def test_store_writes_under_a_random_name(field_file, tmp_path):
    target = field_file()
    checked = uploads.check(upload("Budget de Bilbao.pdf", PDF), EVERYTHING)
    name = uploads.store(target, upload("Budget de Bilbao.pdf", PDF), checked)
    assert re.fullmatch(r"things/[a-z0-9]{32}\.pdf", name)
    assert (tmp_path / name).read_bytes() == PDF


def test_file_response_is_an_attachment_the_browser_never_runs(field_file):
    stored = field_file()
    stored.save("x.pdf", ContentFile(PDF), save=False)
    response = uploads.file_response(
        stored, content_type="application/pdf", filename='Plan "mobilité".pdf'
    )
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Plan%20%22mobilit%C3%A9%22.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    ascii_name = uploads.file_response(
        stored, content_type="application/pdf", filename='Plan "A".pdf'
    )
    assert ascii_name["Content-Disposition"] == 'attachment; filename="Plan \\"A\\".pdf"'


def test_a_file_missing_from_the_storage_is_a_404(field_file):
    with pytest.raises(Http404):
        uploads.file_response(
            field_file("things/gone.pdf"), content_type="application/pdf", filename="gone.pdf"
        )
    with pytest.raises(Http404):
        uploads.file_response(field_file(), content_type="application/pdf", filename="none.pdf")


def test_an_archive_no_reader_can_open_is_refused():
    from tests.study.bombs import unknown_compression

    odt = unknown_compression(ODT)
    # zipfile itself cannot read the member the type is read from...
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(odt)).read("mimetype")
    # ...so the file is of no accepted type, with the usual message rather than a 500.
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("report.odt", odt), EVERYTHING)
    assert error.value.code == "wrong_type"
