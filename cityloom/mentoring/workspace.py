"""What mentoring asks of a person: requests to pair and programmes in trouble for the
secretariat; proposals to answer, requests waiting and the next milestones for a city."""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import permissions, queries
from .models import Stage


def _secretariat(user, group: str) -> list[Item]:
    follow_up = queries.secretariat_follow_up(user)
    url = reverse("mentoring:dashboard")
    items = []
    requests, troubled = follow_up["requests"], follow_up["troubled"]
    if requests["count"]:
        items.append(
            Item(
                label=ngettext(
                    "%(n)d mentoring request waiting for a mentor proposal",
                    "%(n)d mentoring requests waiting for a mentor proposal",
                    requests["count"],
                )
                % {"n": requests["count"]},
                count=requests["count"],
                url=url,
                since=requests["since"],
                group=group,
            )
        )
    if troubled["count"]:
        items.append(
            Item(
                label=ngettext(
                    "%(n)d mentoring programme at risk or late",
                    "%(n)d mentoring programmes at risk or late",
                    troubled["count"],
                )
                % {"n": troubled["count"]},
                count=troubled["count"],
                url=url,
                since=troubled["since"],
                group=group,
            )
        )
    return items


def _city(user, group: str) -> list[Item]:
    items = []
    url = reverse("mentoring:my")
    if user.is_focal_point:
        follow_up = queries.city_follow_up(user.city_id)
        to_answer, own = follow_up["to_answer"], follow_up["own"]
        if to_answer["count"]:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d proposal to mentor another city to answer",
                        "%(n)d proposals to mentor another city to answer",
                        to_answer["count"],
                    )
                    % {"n": to_answer["count"]},
                    count=to_answer["count"],
                    url=url,
                    since=to_answer["since"],
                    group=group,
                )
            )
        if own["count"]:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d request for help of your city in progress",
                        "%(n)d requests for help of your city in progress",
                        own["count"],
                    )
                    % {"n": own["count"]},
                    count=own["count"],
                    url=url,
                    since=own["since"],
                    group=group,
                )
            )
    for programme in queries.city_programmes_ahead(user.city_id):
        names = {"mentor": programme.mentor.name, "mentee": programme.mentee.name}
        if programme.next_due_on is None:
            label = _("Programme %(mentor)s → %(mentee)s: no open milestone") % names
        else:
            milestone = programme.next_title or capfirst(str(Stage(programme.next_stage).label))
            values = {**names, "milestone": milestone, "n": programme.overdue}
            if programme.overdue:
                label = (
                    ngettext(
                        "Programme %(mentor)s → %(mentee)s: %(n)d milestone late, "
                        "next “%(milestone)s”",
                        "Programme %(mentor)s → %(mentee)s: %(n)d milestones late, "
                        "next “%(milestone)s”",
                        programme.overdue,
                    )
                    % values
                )
            else:
                label = (
                    _("Programme %(mentor)s → %(mentee)s: next milestone “%(milestone)s”") % values
                )
        items.append(
            Item(
                label=label,
                count=1,
                url=programme.get_absolute_url(),
                since=None,
                group=group,
                due=programme.next_due_on,
            )
        )
    return items


def pending(user) -> list[Item]:
    group = _("Mentoring")
    items = []
    if permissions.is_any_secretariat(user):
        items += _secretariat(user, group)
    if user.city_id:
        items += _city(user, group)
    return items
