"""Uploaded files are trusted by their bytes, never by their name or the browser's claim."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = {
    "application/pdf": [b"%PDF-"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/jpeg": [b"\xff\xd8\xff"],
}
PDF = ["application/pdf"]
IMAGES = ["image/png", "image/jpeg"]
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def sniff(upload, *, allowed: list[str], max_bytes: int) -> str:
    """The content type read from the file's first bytes; ValidationError if wrong or too big."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too big (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type in allowed:
        if any(head.startswith(magic) for magic in SIGNATURES[content_type]):
            return content_type
    kinds = ", ".join(EXTENSIONS[c].upper() for c in allowed)
    raise ValidationError(
        _("This file is not of an accepted type (%(kinds)s).") % {"kinds": kinds},
        code="wrong_type",
    )
