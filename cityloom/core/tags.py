"""Tags: the topics practices and publications share, and the observatory follows over time.

The tag model keeps its table in the practices app (`practices_tag`): moving a model between
apps rewrites the migration state of three apps, its content type and the admin's address for
no gain. Core names no app: the model is the one `settings.CITYLOOM_TAG_MODEL` names, as
`AUTH_USER_MODEL` names the user's. A model relates to it with
`ManyToManyField(settings.CITYLOOM_TAG_MODEL)`; code that runs once the apps are loaded reads
the class as `tags.Tag` (or `get_tag_model()`). Every other app reaches tags through this
module, never through `practices`.
"""

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.utils.text import slugify

__all__ = ["get_tag_model", "known_tags", "tag_slug", "tags_named"]

MAX_LENGTH = 60


def tag_slug(name: str) -> str:
    """The tag a name means: `Open data`, `open-data` and ` OPEN DATA ` are one tag."""
    return slugify(name.strip()[:MAX_LENGTH])[:MAX_LENGTH]


def get_tag_model():
    """The tag model (`settings.CITYLOOM_TAG_MODEL`), once the apps are loaded."""
    return apps.get_model(settings.CITYLOOM_TAG_MODEL)


def __getattr__(name: str):
    # `from cityloom.core.tags import Tag` resolves the model when it is asked for, so core
    # imports no app; at import time of a models module, name the setting instead.
    if name == "Tag":
        return get_tag_model()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tags_named(names: Iterable[str]) -> list:
    """The tags with these names, created when new; blank names (or names of symbols) are skipped."""
    tags = []
    for name in names:
        name = name.strip()[:MAX_LENGTH]
        if not (slug := tag_slug(name)):
            continue
        tag, _created = get_tag_model().objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def known_tags() -> dict:
    """Every tag by its slug, in one query: feeds may only use these, never invent a topic."""
    return {t.slug: t for t in get_tag_model().objects.all()}
