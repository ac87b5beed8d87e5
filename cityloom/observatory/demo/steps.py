"""Named steps the observatory's demo data file calls."""

from cityloom.core.text import fold
from cityloom.observatory.models import Publication


def index_publications() -> int:
    """The folded search text of the publications that have none (as `add_publication` makes)."""
    rows = list(Publication.objects.filter(search_text=""))
    for publication in rows:
        parts = (publication.title, publication.authors, publication.summary, publication.text)
        publication.search_text = fold(" ".join(p for p in parts if p))
        publication.save(update_fields=["search_text"])
    return len(rows)
