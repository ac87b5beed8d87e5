"""Object-level rules of the annual report: the commission's secretariat writes and publishes it."""

from cityloom.network.permissions import is_secretariat_of

from .models import AnnualReport


def can_manage_report(user, commission) -> bool:
    """Edit the texts, see drafts, prepare and publish: the commission's secretariat only."""
    return is_secretariat_of(user, commission.pk)


can_publish_report = can_manage_report


def can_see_report(user, report: AnnualReport | None, commission) -> bool:
    """Anyone reads a published report; a draft (or a year not yet written) is the secretariat's."""
    if report is not None and report.is_published:
        return True
    return can_manage_report(user, commission)
