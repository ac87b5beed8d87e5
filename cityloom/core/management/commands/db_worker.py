"""`cityloom db_worker`: django_tasks_db's worker, plus a heartbeat and the reaper of dead workers.

Same options as the library's command. At start the worker reaps what dead workers left, then
a thread beats and reaps while the library's loop runs tasks (cityloom/core/jobs.py).
"""

import logging
import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker as library

from cityloom.core import jobs

logger = logging.getLogger(__name__)


class Command(library.Command):
    help = "Run a task worker that beats a heartbeat and takes up the work of dead workers."

    def handle(self, *args, **options):
        # With --reload the first process only watches files; its child runs the tasks.
        watcher = (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if watcher:
            return super().handle(*args, **options)
        worker_id = options["worker_id"]
        jobs.identify(worker_id)
        jobs.beat(worker_id)
        reaped = jobs.reap()
        logger.info("worker %s started; reaped %s", worker_id, reaped)
        heartbeat = jobs.Heartbeat(worker_id)
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
            jobs.forget(worker_id)
