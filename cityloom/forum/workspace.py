"""What the forum asks of a person: reported messages waiting for the secretariat."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import permissions, queries


def pending(user) -> list[Item]:
    if not permissions.can_create_board(user):
        return []
    summary = queries.open_report_summary(user)
    n = summary["count"]
    if not n:
        return []
    return [
        Item(
            label=ngettext(
                "%(n)d reported forum message to look at",
                "%(n)d reported forum messages to look at",
                n,
            )
            % {"n": n},
            count=n,
            url=reverse("forum:moderation"),
            since=summary["since"],
            group=_("Forum"),
        )
    ]
