"""What projects ask of a person: join requests to decide and overdue deliverables for the
secretariat; the tasks their city has not answered for a focal point."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import queries


def _moment(day: dt.date | None) -> dt.datetime | None:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None


def pending(user) -> list[Item]:
    group = _("Projects")
    summary = queries.pending_summary(user, today=timezone.localdate())
    items = []
    url = reverse("projects:request-list")
    if summary["requests"]:
        n = summary["requests"]
        items.append(
            Item(
                label=ngettext(
                    "%(n)d request to join or propose a project to decide",
                    "%(n)d requests to join or propose a project to decide",
                    n,
                )
                % {"n": n},
                count=n,
                url=url,
                since=summary["requests_since"],
                group=group,
            )
        )
    if summary["overdue"]:
        n = summary["overdue"]
        items.append(
            Item(
                label=ngettext(
                    "%(n)d project deliverable overdue", "%(n)d project deliverables overdue", n
                )
                % {"n": n},
                count=n,
                url=url,
                since=_moment(summary["overdue_since"]),
                group=group,
            )
        )
    tasks = summary["tasks"]
    if tasks:
        items.append(
            Item(
                label=ngettext(
                    "%(n)d project task your city has not answered",
                    "%(n)d project tasks your city has not answered",
                    len(tasks),
                )
                % {"n": len(tasks)},
                count=len(tasks),
                url=f"{tasks[0].project.get_absolute_url()}#task-{tasks[0].pk}",
                group=group,
                due=tasks[0].due_on,
            )
        )
    return items
