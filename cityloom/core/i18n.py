"""User content carries its own language; these helpers pick the best version for the reader."""

from django.utils import translation


def translated(obj, field: str) -> str:
    """`obj.<field>_<lang>` for the active language when filled in, else the original `obj.<field>`."""
    lang = (translation.get_language() or "en")[:2]
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, field)
