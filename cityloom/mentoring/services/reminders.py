"""Reminders of the milestones soon due."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation

from cityloom.core.mail import queue_mail
from cityloom.mentoring.models import Milestone, MilestoneReminder, Stage
from cityloom.mentoring.services.base import focal_points, site_url

# Reminders go out this many days before a milestone is due, once per lead time.
REMINDER_DAYS = (7, 1)


def send_milestone_reminders(*, today: dt.date | None = None) -> int:
    """E-mail both cities before each open milestone, once per milestone and lead time."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    due = (
        Milestone.objects.filter(done_on__isnull=True, due_on__gte=today, due_on__lte=horizon)
        .exclude(programme__stage=Stage.CLOSED)
        .select_related("programme__mentor", "programme__mentee")
    )
    sent = 0
    for milestone in due:
        days_left = (milestone.due_on - today).days
        # The tightest lead time reached: a late first run sends one reminder, not two.
        lead = min(d for d in REMINDER_DAYS if days_left <= d)
        try:
            with transaction.atomic():
                _reminder, created = MilestoneReminder.objects.get_or_create(
                    milestone=milestone, days_before=lead
                )
                if not created:
                    continue
                programme = milestone.programme
                for city in (programme.mentor, programme.mentee):
                    for person in focal_points(city):
                        with translation.override(person.language):
                            context = {
                                "milestone": milestone.display_title,
                                "programme": str(programme),
                                "due_on": formats.date_format(milestone.due_on, "DATE_FORMAT"),
                                "days": str(days_left),
                                "url": site_url("mentoring:programme-detail", programme.pk),
                            }
                        queue_mail(
                            to=person.email,
                            template="mentoring/email/milestone_due",
                            context=context,
                            language=person.language,
                        )
                sent += 1
        except IntegrityError:  # another worker sent it at the same moment
            continue
    return sent
