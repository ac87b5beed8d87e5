"""Background work of mentoring: the daily milestone reminders."""

import logging

from django_tasks import task

from .services import send_milestone_reminders

log = logging.getLogger(__name__)


@task()
def send_reminders_task() -> int:
    sent = send_milestone_reminders()
    log.info("mentoring reminders sent: %s", sent)
    return sent
