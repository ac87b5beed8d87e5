"""Background work of the forum: the daily digest."""

import logging

from django_tasks import task

from .services import send_digests

log = logging.getLogger(__name__)


@task()
def send_digests_task() -> int:
    queued = send_digests()
    log.info("forum digests queued: %s", queued)
    return queued
