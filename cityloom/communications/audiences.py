"""Who a circular goes to: a small registry of audience kinds.

Each kind says how it is named, which values it needs (a region, a meeting), and who it means.
Another app adds its own with `cityloom.communications.services.register_audience` (the
projects app: "participants of a project"), from its AppConfig.ready().
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cityloom.core.axes import Axis
from cityloom.meetings import queries as meetings_queries
from cityloom.network import queries as network_queries
from cityloom.network.models import Commission, Region
from cityloom.practices import queries as practices_queries

User = get_user_model()


@dataclass(frozen=True)
class AudienceKind:
    key: str
    label: Promise | str
    # The people it means: (commission, value) -> users (their id, email, language, role).
    people: Callable[[Commission, str], Iterable]
    # The values to choose from, for the commission and the person writing: (value, label).
    options: Callable[[Commission, object], list[tuple[str, str]]] | None = None
    value_label: Promise | str = ""


_KINDS: dict[str, AudienceKind] = {}


def register(kind: AudienceKind) -> AudienceKind:
    _KINDS[kind.key] = kind
    return kind


def kinds() -> list[AudienceKind]:
    return list(_KINDS.values())


def get(key: str) -> AudienceKind | None:
    return _KINDS.get(key)


def _members(commission: Commission) -> QuerySet:
    return (
        User.objects.filter(
            is_active=True,
            city__memberships__commission=commission,
            city__memberships__status="active",
        )
        .select_related("city")
        .distinct()
    )


def _all_members(commission: Commission, value: str) -> QuerySet:
    return _members(commission)


def _focal_points(commission: Commission, value: str) -> QuerySet:
    return network_queries.commission_focal_points(commission).filter(is_active=True)


def _region(commission: Commission, value: str) -> QuerySet:
    return _members(commission).filter(city__region=value)


def _region_options(commission: Commission, user) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Region.choices]


def _axis(commission: Commission, value: str) -> QuerySet:
    """Members of the cities working on the axis: those with a published practice on it."""
    members = _members(commission)
    practices = practices_queries.published_of_cities(members.values("city")).filter(axis=value)
    return members.filter(city__in=practices.values("city"))


def _axis_options(commission: Commission, user) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Axis.choices]


def _meeting_participants(commission: Commission, value: str) -> list:
    try:
        meeting_id = int(value)
    except ValueError:
        return []
    meeting = meetings_queries.meeting_list(_Nobody()).filter(pk=meeting_id, commission=commission)
    found = meeting.first()
    if found is None:
        return []
    return [
        person
        for _city, people in meetings_queries.participants_by_city(found)
        for person in people
    ]


def _meeting_options(commission: Commission, user) -> list[tuple[str, str]]:
    meetings = meetings_queries.meeting_list(user).filter(commission=commission)
    return [(str(m.pk), m.display_title) for m in meetings]


class _Nobody:
    """An anonymous reader: the meetings any visitor sees (drafts have no participants)."""

    is_authenticated = False


register(AudienceKind("members", _("All members"), _all_members))
register(AudienceKind("focal_points", _("Focal points only"), _focal_points))
register(
    AudienceKind(
        "region", _("Cities of a region"), _region, options=_region_options, value_label=_("Region")
    )
)
register(
    AudienceKind(
        "axis",
        _("Cities working on an axis"),
        _axis,
        options=_axis_options,
        value_label=_("Axis"),
    )
)
register(
    AudienceKind(
        "meeting",
        _("Participants of a working meeting"),
        _meeting_participants,
        options=_meeting_options,
        value_label=_("Working meeting"),
    )
)
