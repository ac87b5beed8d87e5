"""Background work of projects: reminders before activities and deliverables."""

import logging

from django_tasks import task

from .services import send_reminders

log = logging.getLogger(__name__)


@task()
def send_reminders_task() -> int:
    queued = send_reminders()
    log.info("project reminders queued: %s", queued)
    return queued
