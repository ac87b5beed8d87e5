"""What waits for the secretariat in "My space": circulars left in draft."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import queries


def pending(user) -> list[Item]:
    if not user.is_authenticated:
        return []
    count, since = queries.drafts_waiting(user)
    if not count:
        return []
    return [
        Item(
            label=ngettext("%(n)d circular in draft", "%(n)d circulars in draft", count)
            % {"n": count},
            count=count,
            url=reverse("communications:circular-list") + "#drafts",
            since=since,
            group=_("Communications"),
        )
    ]
