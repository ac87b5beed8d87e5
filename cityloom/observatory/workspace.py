"""What the observatory asks of the secretariat: feeds whose polling fails."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import permissions, queries


def pending(user) -> list[Item]:
    if not permissions.can_manage(user):
        return []
    feeds = queries.feeds_in_error()
    if not feeds["count"]:
        return []
    return [
        Item(
            label=ngettext(
                "%(n)d followed feed in error", "%(n)d followed feeds in error", feeds["count"]
            )
            % {"n": feeds["count"]},
            count=feeds["count"],
            url=reverse("observatory:source-list"),
            since=feeds["since"],
            group=_("Observatory"),
        )
    ]
