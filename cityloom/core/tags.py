"""Tags: the topics practices and publications share, and the observatory follows over time.

The model is `cityloom.core.models.Tag`: practices and publications relate to it, and every app
reads and makes tags through this module.
"""

from collections.abc import Iterable

from django.utils.text import slugify

from cityloom.core.models import Tag

__all__ = ["Tag", "known_tags", "tag_slug", "tags_named"]

MAX_LENGTH = Tag._meta.get_field("name").max_length


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
