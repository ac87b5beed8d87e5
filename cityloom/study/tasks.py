"""Background work of the Study: thin wrappers over the services."""

import logging

from django_tasks import task

from cityloom.core import jobs

from .services.computation import abandon_computations, run_computation, unfinished_computations

logger = logging.getLogger(__name__)


@task()
def compute_edition(computation_id: int) -> str:
    computation = run_computation(computation_id)
    status = computation.status if computation is not None else "missing"
    logger.info("computation %s: %s", computation_id, status)
    return status


# A computation whose worker died is run again by the reaper, or failed if no task is left.
jobs.register(
    jobs.Job(
        task=compute_edition,
        argument="computation_id",
        pending=unfinished_computations,
        orphaned=abandon_computations,
    )
)
