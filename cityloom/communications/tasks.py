"""Background work of communications: delivering a circular, batch by batch."""

from django_tasks import task

from cityloom.core import jobs

from .services.delivery import deliver_circular, resume_circulars, unfinished_circulars


@task()
def deliver_circular_task(*, circular_id: int) -> str:
    return deliver_circular(circular_id, worker=jobs.current_worker())


# A delivery whose worker died is run again by the reaper; one whose task is gone gets a new one.
jobs.register(
    jobs.Job(
        task=deliver_circular_task,
        argument="circular_id",
        pending=unfinished_circulars,
        orphaned=resume_circulars,
    )
)
