"""Run queued tasks in this process the way `cityloom db_worker` does: claim, then run."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_ready_tasks(worker_id: str = "survivor") -> int:
    """The library worker's claim and run, without its loop (whose connection hygiene would
    close the connection of a test running inside a transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker_id)
        worker.run_task(result)
        ran += 1
    return ran
