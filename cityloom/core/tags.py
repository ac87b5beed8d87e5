"""Tags: the topics practices and publications share, and the observatory follows over time.

The `Tag` model keeps its table in the practices app (`practices_tag`): moving a model between
apps rewrites the migration state of three apps, its content type and the admin's address for
no gain. Every other app reaches tags through this module, never through `practices`.
"""

from collections.abc import Iterable

from django.utils.text import slugify

from cityloom.practices.models import Tag

__all__ = ["Tag", "known_tags", "tag_slug", "tags_named"]

MAX_LENGTH = 60


def tag_slug(name: str) -> str:
    """The tag a name means: `Open data`, `open-data` and ` OPEN DATA ` are one tag."""
    return slugify(name.strip()[:MAX_LENGTH])[:MAX_LENGTH]


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created when new; blank names (or names of symbols) are skipped."""
    tags = []
    for name in names:
        name = name.strip()[:MAX_LENGTH]
        if not (slug := tag_slug(name)):
            continue
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def known_tags() -> dict[str, Tag]:
    """Every tag by its slug, in one query: feeds may only use these, never invent a topic."""
    return {t.slug: t for t in Tag.objects.all()}
