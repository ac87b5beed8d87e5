"""Background work of meetings: the grid computation (seconds on a big meeting)."""

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from .models import Meeting
from .services import MeetingError, optimise_grid

log = logging.getLogger(__name__)


@task()
def optimise_grid_task(*, meeting_id: int, mode: str, by_id: int) -> None:
    meeting = Meeting.objects.get(pk=meeting_id)
    by = get_user_model().objects.get(pk=by_id)
    try:
        report = optimise_grid(meeting, by=by, mode=mode)
    except MeetingError as exc:  # stored on the meeting for the secretariat to read
        log.warning("grid of %s failed: %s", meeting.slug, exc.messages[0])
    else:
        log.info("grid of %s: objective %s", meeting.slug, report.objective)
