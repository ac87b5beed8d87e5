"""Feed polling leaves the request: the task worker runs it (`cityloom poll_feeds` schedules it)."""

from django_tasks import task

from . import services
from .models import Source


@task()
def poll_due_sources() -> dict[str, int]:
    return services.poll_due_sources()


@task()
def poll_source(source_id: int) -> int:
    source = Source.objects.filter(pk=source_id).first()
    return services.poll_source(source) if source else 0
