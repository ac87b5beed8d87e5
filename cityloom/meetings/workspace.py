"""What the working meetings ask of a person: grids to build or publish, meetings to register
for, topics to vote on, meetings they are registered for."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityloom.core.workspace import Item

from . import permissions, queries
from .models import Meeting, Registration


def _secretariat(user, group: str) -> list[Item]:
    items = []
    for meeting in queries.grids_to_run(user):
        title = meeting.display_title
        if meeting.status == Meeting.Status.SCHEDULED:
            label = _("%(meeting)s: the grid is built, publish it") % {"meeting": title}
            since = meeting.grid_built_at
        else:
            label = ngettext(
                "%(meeting)s: registration is closed, build the grid (%(n)d topic)",
                "%(meeting)s: registration is closed, build the grid (%(n)d topics)",
                meeting.topic_count,
            ) % {"meeting": title, "n": meeting.topic_count}
            since = meeting.registration_closes_at
        items.append(
            Item(
                label=label,
                count=1,
                url=reverse("meetings:grid-manage", args=[meeting.slug]),
                since=since,
                group=group,
                due=meeting.starts_on,
            )
        )
    return items


def _participant(user, group: str) -> list[Item]:
    items = []
    for meeting in queries.open_for_registration(user):
        items.append(
            Item(
                label=_("Register for %(meeting)s") % {"meeting": meeting.display_title},
                count=1,
                url=meeting.get_absolute_url(),
                since=meeting.registration_opens_at,
                group=group,
                due=meeting.registration_closes_at.astimezone(meeting.tzinfo).date(),
            )
        )
    for registration in queries.registrations_to_follow(user):
        meeting = registration.meeting
        title = meeting.display_title
        if registration.to_vote and not meeting.are_votes_locked:
            items.append(
                Item(
                    label=ngettext(
                        "%(n)d topic to vote on at %(meeting)s",
                        "%(n)d topics to vote on at %(meeting)s",
                        registration.to_vote,
                    )
                    % {"n": registration.to_vote, "meeting": title},
                    count=registration.to_vote,
                    url=reverse("meetings:proposals", args=[meeting.slug]),
                    since=registration.to_vote_since,
                    group=group,
                    due=meeting.starts_on,
                )
            )
            continue
        if registration.status == Registration.Status.WAITING:
            label = _("You are on the waiting list of %(meeting)s") % {"meeting": title}
        else:
            label = _("You are registered for %(meeting)s") % {"meeting": title}
        items.append(
            Item(
                label=label,
                count=1,
                url=meeting.get_absolute_url(),
                since=registration.created_at,
                group=group,
                due=meeting.starts_on if meeting.starts_on >= timezone.localdate() else None,
            )
        )
    return items


def pending(user) -> list[Item]:
    group = _("Meetings")
    items = []
    if permissions.can_create_meeting(user):
        items += _secretariat(user, group)
    items += _participant(user, group)
    return items
