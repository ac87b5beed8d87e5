"""What the Study asks of a person: the secretariat runs editions, a focal point fills in the
city's questionnaire."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item
from cityloom.network import permissions as network_permissions

from . import queries
from .models import Computation, Edition, Questionnaire


def _next_step(edition: Edition) -> str:
    """The one thing the secretariat does next with an unpublished edition."""
    title = edition.display_title
    if edition.status == Edition.Status.DRAFT:
        if not edition.questionnaire_count:
            return _("%(edition)s: invite the cities") % {"edition": title}
        return _("%(edition)s: open it for data collection") % {"edition": title}
    if edition.status == Edition.Status.OPEN:
        return _("%(edition)s: close it and review the questionnaires") % {"edition": title}
    if edition.computation_status in (Computation.Status.QUEUED, Computation.Status.RUNNING):
        return _("%(edition)s: the results are being computed") % {"edition": title}
    if edition.computation_status == Computation.Status.DONE:
        return _("%(edition)s: publish the results") % {"edition": title}
    return _("%(edition)s: compute the results") % {"edition": title}


def _secretariat(user, group: str) -> list[Item]:
    items = []
    for edition in queries.editions_to_run(user):
        url = reverse("study:edition-manage", args=[edition.pk])
        title = edition.display_title
        items.append(
            Item(
                label=_next_step(edition),
                count=1,
                url=url,
                since=edition.updated_at,
                group=group,
                due=edition.closes_on if edition.status == Edition.Status.OPEN else None,
            )
        )
        if edition.submitted_count:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d questionnaire of %(edition)s waiting for review",
                        "%(n)d questionnaires of %(edition)s waiting for review",
                        edition.submitted_count,
                    )
                    % {"n": edition.submitted_count, "edition": title},
                    count=edition.submitted_count,
                    url=url,
                    since=edition.submitted_since,
                    group=group,
                )
            )
        if edition.returned_count:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d value of %(edition)s returned to a city and not corrected yet",
                        "%(n)d values of %(edition)s returned to cities and not corrected yet",
                        edition.returned_count,
                    )
                    % {"n": edition.returned_count, "edition": title},
                    count=edition.returned_count,
                    url=url,
                    since=edition.returned_since,
                    group=group,
                )
            )
    return items


def _focal_point(user, group: str) -> list[Item]:
    items = []
    for q in queries.questionnaires_to_fill(user.city_id):
        title = q.edition.display_title
        total = q.indicator_count or 0
        if q.status == Questionnaire.Status.RETURNED:
            label = ngettext(
                "%(n)d value of %(edition)s returned for correction",
                "%(n)d values of %(edition)s returned for correction",
                q.returned_count,
            ) % {"n": q.returned_count, "edition": title}
            count = q.returned_count
        else:
            label = _(
                "The questionnaire of %(edition)s: %(answered)d of %(total)d indicators answered"
            ) % {"edition": title, "answered": q.answered, "total": total}
            count = max(total - q.answered, 0)
        items.append(
            Item(
                label=label,
                count=count,
                url=q.get_absolute_url(),
                since=q.created_at,
                group=group,
                due=q.edition.closes_on,
                done=q.answered,
                total=total,
            )
        )
    return items


def pending(user) -> list[Item]:
    group = _("Smart Cities Study")
    items = []
    if network_permissions.is_secretariat(user):
        items += _secretariat(user, group)
    if user.city_id and user.is_focal_point:
        items += _focal_point(user, group)
    return items
