"""Background work of meetings: the grid computation (seconds on a big meeting)."""

from django_tasks import task

from cityloom.core import jobs

from .services.grid import abandon_grids, run_grid_job, unfinished_grids


@task()
def optimise_grid_task(*, meeting_id: int, mode: str, by_id: int) -> str:
    return run_grid_job(meeting_id, mode=mode, by_id=by_id)


# A grid job whose worker died is run again by the reaper, or failed if no task is left.
jobs.register(
    jobs.Job(
        task=optimise_grid_task,
        argument="meeting_id",
        pending=unfinished_grids,
        orphaned=abandon_grids,
    )
)
