"""What the good practices ask of a person: labels to review, drafts to finish or publish."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item
from cityloom.network import permissions as network_permissions

from . import queries


def pending(user) -> list[Item]:
    group = _("Good practices")
    items = []
    if network_permissions.is_secretariat(user):
        waiting = queries.waiting_for_label(user)
        if waiting["count"]:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d published practice waiting for a label review",
                        "%(n)d published practices waiting for a label review",
                        waiting["count"],
                    )
                    % {"n": waiting["count"]},
                    count=waiting["count"],
                    url=reverse("practices:label", args=[waiting["first"]]),
                    since=waiting["since"],
                    group=group,
                )
            )
    if user.city_id:
        if user.is_focal_point:
            drafts = queries.drafts_waiting(city_id=user.city_id)
            label = ngettext(
                "%(n)d draft practice of your city to finish and publish",
                "%(n)d draft practices of your city to finish and publish",
                drafts["count"],
            )
        else:
            drafts = queries.drafts_waiting(city_id=user.city_id, author=user)
            label = ngettext(
                "%(n)d draft practice of yours to finish",
                "%(n)d draft practices of yours to finish",
                drafts["count"],
            )
        if drafts["count"]:
            items.append(
                Item(
                    label=label % {"n": drafts["count"]},
                    count=drafts["count"],
                    url=reverse("practices:mine"),
                    since=drafts["since"],
                    group=group,
                )
            )
    return items
