"""Background work that survives crashes: worker heartbeats and the reaper.

A task worker that is killed (kill -9, out of memory, a lost machine) leaves its task RUNNING
and the job it was doing "running" for ever. So:

- every `cityloom db_worker` writes a heartbeat (WorkerHeartbeat) every LEASE/6 seconds;
- a worker silent for a whole lease (CITYLOOM_WORKER_LEASE, 60 s by default) is dead;
- the deadline: a task RUNNING for more than a lease whose worker is dead is run again (status
  READY, any worker takes it) while it has had fewer than MAX_RUNS runs, else marked FAILED;
- e-mails the dead worker was sending go back to the queue (cityloom/core/mail.py says why);
- a job row (a Study computation, a meeting's grid, a queued e-mail) still queued or running
  that no READY or RUNNING task will take up any more, and untouched for a lease, is given up:
  computations and grids are marked failed (the meeting is no longer busy, pages stop
  polling), e-mails get a new task.

Every worker reaps when it starts and every LEASE/2 seconds, so lost work is taken up again
or failed between one and one and a half leases after its worker died. Tasks must therefore
be safe to run twice: the e-mail outbox, computations and grid builds are.
The clocks of the machines running workers must agree to well within a lease.
"""

import datetime as dt
import inspect
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from . import mail
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A task that kills its worker every time (say, out of memory) is not run for ever.
MAX_RUNS = 3
ACTIVE = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it (stored on the failed task)."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CITYLOOM_WORKER_LEASE)


@dataclass(frozen=True)
class Job:
    """Rows a background task works on, and what becomes of those no task will take up."""

    task: Task
    argument: str  # the task argument that holds the row's primary key
    pending: Callable[[dt.datetime], Iterable[int]]  # rows queued or running, untouched since
    orphaned: Callable[[list[int]], object]  # fail them, or queue them again

    def row_of(self, args_kwargs: dict) -> object:
        args = list(args_kwargs.get("args") or [])
        if self.task.takes_context:
            args.insert(0, None)
        try:
            bound = inspect.signature(self.task.func).bind_partial(
                *args, **(args_kwargs.get("kwargs") or {})
            )
        except TypeError:
            return None
        return bound.arguments.get(self.argument)


_jobs: dict[str, Job] = {}
_worker_id = ""


def identify(worker_id: str) -> None:
    """This process is the worker `worker_id` (what it claims is marked with that id)."""
    global _worker_id  # one worker per process, set once at start
    _worker_id = worker_id


def current_worker() -> str:
    return _worker_id


def register(job: Job) -> Job:
    """Called by each app's tasks.py for the task that runs its job rows."""
    _jobs[job.task.module_path] = job
    return job


def beat(worker_id: str) -> None:
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
        )


def forget(worker_id: str) -> None:
    """A worker that stops cleanly says so: its leftovers need not wait for the lease."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@dataclass
class Reaped:
    requeued: int = 0
    failed: int = 0
    mail_released: int = 0
    orphans: int = 0


def reap(*, now: dt.datetime | None = None) -> Reaped:
    """Take up again, or fail, what dead workers left behind (see the module docstring)."""
    now = now or timezone.now()
    before = now - lease()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=before).values_list("worker_id", flat=True)
    )
    reaped = Reaped()
    reaped.requeued, reaped.failed = _reap_tasks(alive=alive, before=before, now=now)
    reaped.mail_released = mail.release_stuck_mail(alive=alive, before=before)
    reaped.orphans = _reap_orphans(before=before)
    # Workers silent for a day are long gone: keep the table small.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return reaped


def _reap_tasks(*, alive: set[str], before: dt.datetime, now: dt.datetime) -> tuple[int, int]:
    requeued = failed = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=before)
    for row in running.only("id", "worker_ids", "started_at", "task_path"):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in alive:
            continue  # a long task on a live worker
        # The guard on started_at: if another reaper or worker changed the row, leave it.
        same = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        runs = len(row.worker_ids)
        if runs < MAX_RUNS:
            requeued += same.update(status=TaskResultStatus.READY)
            logger.warning("task %s (%s): worker %s died, run again", row.pk, row.task_path, worker)
        else:
            failed += same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: worker {worker} stopped during run {runs} of {MAX_RUNS}\n",
            )
            logger.error(
                "task %s (%s): worker %s died on run %s: failed",
                row.pk,
                row.task_path,
                worker,
                runs,
            )
    return requeued, failed


def _reap_orphans(*, before: dt.datetime) -> int:
    autodiscover_modules("tasks")
    active = DBTaskResult.objects.filter(status__in=ACTIVE)
    given_up = 0
    for path, job in _jobs.items():
        taken = {
            job.row_of(args_kwargs)
            for args_kwargs in active.filter(task_path=path).values_list("args_kwargs", flat=True)
        }
        orphans = [pk for pk in job.pending(before) if pk not in taken]
        if orphans:
            job.orphaned(orphans)
            given_up += len(orphans)
    return given_up


class Heartbeat(threading.Thread):
    """Beats every LEASE/6 seconds and reaps every LEASE/2 seconds, beside the worker's loop."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        seconds = settings.CITYLOOM_WORKER_LEASE
        last_reap = timezone.now()
        while not self.stopped.wait(seconds / 6):
            try:
                beat(self.worker_id)
                if (timezone.now() - last_reap).total_seconds() >= seconds / 2:
                    last_reap = timezone.now()
                    reap()
            except OperationalError as exc:  # a locked SQLite file, a restarting server
                logger.warning("worker %s: heartbeat skipped: %s", self.worker_id, exc)
            except Exception:
                logger.exception("worker %s: heartbeat or reaper failed", self.worker_id)
            finally:
                # This thread's own connection: never left open across a database restart.
                connection.close()

    def stop(self) -> None:
        self.stopped.set()
