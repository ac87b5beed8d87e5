"""The one upload policy of the platform: every file a person sends goes through it.

- The type is read from the file's bytes (magic numbers, the directory of an Office or
  OpenDocument archive, text without markup), never from its name or the browser's claim.
- Each domain declares a `Policy`: the types it accepts and a size cap.
- Files are stored under a random name; the uploader's name is kept only as data, for the
  `Content-Disposition` of the download.
- Nothing under MEDIA_ROOT is served by a web server: a file leaves only through a view that
  checks permission and answers with `file_response` (attachment, the sniffed type, nosniff).
"""

import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str  # of the stored name and of a download name that had none that fits
    label: str  # how messages name it: "PDF"
    extensions: tuple[str, ...] = ()  # other name endings a person may give it

    def fits(self, name: str) -> bool:
        ext = name.rpartition(".")[2].lower() if "." in name else ""
        return ext in (self.extension, *self.extensions)


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "PNG")
JPEG = FileType("image/jpeg", "jpg", "JPEG", ("jpeg",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX"
)
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", "ODT")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS")
CSV = FileType("text/csv", "csv", "CSV")
TEXT = FileType("text/plain", "txt", "TXT", ("text",))
# Files stored before the policy whose bytes match no accepted type: still downloadable by
# whoever may read them, never shown by the browser.
UNKNOWN = FileType("application/octet-stream", "bin", "")

# Every kind of file a person may attach as evidence or a document: nothing that runs.
OFFICE_AND_IMAGES = (PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS, CSV, TEXT)
TYPES = {t.content_type: t for t in (*OFFICE_AND_IMAGES, UNKNOWN)}

_MAGIC = {PDF: b"%PDF-", PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}
_ARCHIVES = (XLSX, DOCX, ODT, ODS)
_ODF_MIMETYPES = {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}
# An Office document has a few dozen parts; a directory of thousands is not one.
MAX_ARCHIVE_ENTRIES = 1000
# Whitespace is the only control character a text file has.
_TEXT_CONTROLS = bytes(c for c in range(32) if c not in b"\t\n\r\f")


@dataclass(frozen=True)
class Policy:
    """What one kind of upload accepts: these types, at most `max_bytes`."""

    types: tuple[FileType, ...]
    max_bytes: int

    @property
    def labels(self) -> str:
        return ", ".join(t.label for t in self.types)


@dataclass(frozen=True)
class Checked:
    """An upload that passed its policy: its sniffed type, size and the uploader's name."""

    file_type: FileType
    size: int
    original_name: str

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


def check(upload, policy: Policy) -> Checked:
    """The upload's type read from its bytes; ValidationError if too big or not accepted."""
    if upload.size > policy.max_bytes:
        raise ValidationError(
            _("The file is too big (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(policy.max_bytes)},
            code="too_big",
        )
    name = clean_name(getattr(upload, "name", "") or "")
    file_type = sniff(upload, policy.types, name=name) if upload.size else None
    if file_type is None:
        raise ValidationError(
            _("This file is not of an accepted type (%(kinds)s).") % {"kinds": policy.labels},
            code="wrong_type",
        )
    # A name of only control characters or dots still needs one for the download.
    name = name or f"file.{file_type.extension}"
    return Checked(file_type=file_type, size=upload.size, original_name=name)


def sniff(upload, allowed: tuple[FileType, ...], *, name: str = "") -> FileType | None:
    """Which of the `allowed` types the bytes are, or None. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for file_type, magic in _MAGIC.items():
        if file_type in allowed and head.startswith(magic):
            return file_type
    if head.startswith(b"PK\x03\x04") and any(t in allowed for t in _ARCHIVES):
        file_type = _archive_type(upload)
        return file_type if file_type in allowed else None
    if CSV in allowed or TEXT in allowed:
        return _text_type(upload, allowed, name=name)
    return None


def _archive_type(upload) -> FileType | None:
    """XLSX, DOCX, ODT or ODS from the archive's directory; nothing is decompressed but the
    few bytes of an OpenDocument `mimetype`. Macro-enabled documents are refused."""
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARCHIVE_ENTRIES:
                return None
            names = {i.filename for i in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            if "[Content_Types].xml" in names:
                if "xl/workbook.xml" in names:
                    return XLSX
                if "word/document.xml" in names:
                    return DOCX
                return None
            first = infos[0] if infos else None
            if first and first.filename == "mimetype" and first.file_size < 100:
                return _ODF_MIMETYPES.get(archive.read(first).strip())
    # zipfile raises RuntimeError for an encrypted member and its subclass NotImplementedError
    # for an unknown compression method: files we cannot read are of no accepted type.
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        RuntimeError,
    ):
        return None
    finally:
        upload.seek(0)
    return None


def _text_type(upload, allowed, *, name: str) -> FileType | None:
    """CSV or plain text: no control characters but whitespace, not starting like markup
    (HTML, SVG, XML are refused: a browser would run them)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if len(data.translate(None, _TEXT_CONTROLS)) != len(data):
        return None
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start == b"<":
        return None
    if CSV in allowed and (CSV.fits(name) or TEXT not in allowed):
        return CSV
    return TEXT


def clean_name(name: str) -> str:
    """The uploader's file name as data: no folder, no control character, 150 characters at most."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Control, format and separator characters go (a line break would split the header);
    # any space becomes a plain one.
    kept = []
    for c in name:
        category = unicodedata.category(c)
        if category == "Zs":
            kept.append(" ")
        elif category[0] not in "CZ":
            kept.append(c)
    name = " ".join("".join(kept).split()).lstrip(".")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        keep = dot and stem and len(ext) <= 10
        name = f"{stem[: 149 - len(ext)]}.{ext}" if keep else name[:150]
    return name


def random_name(file_type: FileType) -> str:
    """A stored name nobody can guess (about 165 bits), with the sniffed type's extension."""
    return f"{get_random_string(32, 'abcdefghijklmnopqrstuvwxyz0123456789')}.{file_type.extension}"


def download_name(original: str, file_type: FileType, *, fallback: str) -> str:
    """The name a download is saved under: the uploader's, with an extension that fits its type."""
    name = clean_name(original) or clean_name(fallback) or "download"
    if file_type is UNKNOWN or file_type.fits(name):
        return name
    stem, dot, _ext = name.rpartition(".")
    return f"{stem if dot and stem else name}.{file_type.extension}"


def store(field_file: FieldFile, upload, checked: Checked) -> str:
    """Write the upload under a random name into `field_file` (its model is not saved)."""
    upload.seek(0)
    field_file.save(random_name(checked.file_type), upload, save=False)
    return field_file.name


def file_response(
    field_file: FieldFile, *, content_type: str, filename: str, private: bool = True
) -> FileResponse:
    """The file as a download: attachment, the sniffed type, nothing a browser would run.

    A file missing from the storage is a 404, not a 500. `private` files are never cached by
    a shared cache (they were permission-checked).
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or UNKNOWN.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response
