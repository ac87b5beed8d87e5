"""Text helpers shared by search: one folding rule everywhere."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Alcorcón`, `alcorcon` and `ALCORCON` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
