"""Writes on meetings: each public function is one transaction, called by every entry point."""

from .base import MeetingError
from .grid import (
    Mode,
    current_grid,
    engine_instance,
    grid_error_message,
    has_unpublished_changes,
    move_session,
    optimise_grid,
    publish_grid,
    published_grid,
    request_grid,
    set_pin,
)
from .meeting import create_meeting
from .registration import cancel_registration, register
from .sessions import identify_project, record_outcome, save_notes, voters_cities
from .topics import propose_topic, set_vote, update_topic

__all__ = [
    "MeetingError",
    "Mode",
    "cancel_registration",
    "create_meeting",
    "current_grid",
    "engine_instance",
    "grid_error_message",
    "has_unpublished_changes",
    "identify_project",
    "move_session",
    "optimise_grid",
    "propose_topic",
    "publish_grid",
    "published_grid",
    "record_outcome",
    "register",
    "request_grid",
    "save_notes",
    "set_pin",
    "set_vote",
    "update_topic",
    "voters_cities",
]
