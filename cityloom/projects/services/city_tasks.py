"""Per-city tasks ("identify your 4-5 sectors of excellence") and each city's answer."""

from django.db import transaction

from cityloom.projects import permissions
from cityloom.projects.models import CityTask, Project, TaskAnswer

from .base import PermissionDenied, record


def add_task(project: Project, *, by, title: str, description: str = "", due_on=None) -> CityTask:
    if not permissions.can_edit_project(by, project):
        raise PermissionDenied
    with transaction.atomic():
        task = CityTask.objects.create(
            project=project, title=title, description=description, due_on=due_on
        )
        record("project.task_added", project, actor=by, task=task.pk)
    return task


def answer_task(task: CityTask, *, by, text: str) -> TaskAnswer:
    """The answer of the focal point's city (a new answer replaces the city's previous one)."""
    if not permissions.can_answer_task(by, task):
        raise PermissionDenied
    with transaction.atomic():
        answer, _created = TaskAnswer.objects.update_or_create(
            task=task, city_id=by.city_id, defaults={"text": text, "answered_by": by}
        )
        record("project.task_answered", task.project, actor=by, task=task.pk, city=by.city_id)
    return answer
