"""What the network asks of a person: requests to decide, invitations waiting for an answer."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import permissions, queries


def pending(user) -> list[Item]:
    group = _("Network")
    items = []
    if permissions.is_secretariat(user):
        requests = queries.requests_to_decide(user)
        if requests["count"]:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d membership request to decide",
                        "%(n)d membership requests to decide",
                        requests["count"],
                    )
                    % {"n": requests["count"]},
                    count=requests["count"],
                    url=reverse("network:dashboard") + "#requests",
                    since=requests["since"],
                    group=group,
                )
            )
    if user.city_id and user.is_focal_point:
        invitations = queries.invitations_waiting(user.city_id)
        if invitations["count"]:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d invitation waiting for an answer",
                        "%(n)d invitations waiting for an answer",
                        invitations["count"],
                    )
                    % {"n": invitations["count"]},
                    count=invitations["count"],
                    url=reverse("network:dashboard") + "#my-city",
                    since=invitations["since"],
                    group=group,
                )
            )
    return items
