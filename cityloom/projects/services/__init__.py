"""Writes on projects: each public function is one transaction, called by every entry point."""

from .base import ProjectError
from .city_tasks import add_task, answer_task
from .planning import (
    add_activity,
    add_deliverable,
    add_milestone,
    apply_template,
    change_cadence,
    default_time_zone,
    materialise,
    save_minutes,
    set_deliverable_status,
)
from .projects import create_project, create_project_from_session, leave_project, update_project
from .reminders import send_reminders
from .requests import decide, propose_project, recipients, request_join

__all__ = [
    "ProjectError",
    "add_activity",
    "add_deliverable",
    "add_milestone",
    "add_task",
    "answer_task",
    "apply_template",
    "change_cadence",
    "create_project",
    "create_project_from_session",
    "decide",
    "default_time_zone",
    "leave_project",
    "materialise",
    "propose_project",
    "recipients",
    "request_join",
    "save_minutes",
    "send_reminders",
    "set_deliverable_status",
    "update_project",
]
