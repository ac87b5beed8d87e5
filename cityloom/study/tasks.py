"""Background work of the Study: thin wrappers over the services."""

import logging

from django_tasks import task

from .services.computation import run_computation

logger = logging.getLogger(__name__)


@task()
def compute_edition(computation_id: int) -> str:
    computation = run_computation(computation_id)
    logger.info("computation %s: %s", computation_id, computation.status)
    return computation.status
