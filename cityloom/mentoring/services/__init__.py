"""Writes on mentoring: each public function is one transaction, called by every entry point.

The suggestions and the pairing plan are reads (mentoring/queries.py); they stay importable
from here for the callers that knew them as services.
"""

from cityloom.mentoring.errors import MentoringError
from cityloom.mentoring.queries import (
    MentorSuggestion,
    PairingPlan,
    Reason,
    SuggestionList,
    plan_pairings,
    suggest_mentors,
)

from .programmes import (
    TEMPLATES,
    add_milestone,
    add_objective,
    close_programme,
    complete_milestone,
    evaluate_programme,
    file_report,
    log_activity,
    post_message,
)
from .reminders import REMINDER_DAYS, send_milestone_reminders
from .requests import (
    answer_pairing,
    apply_pairings,
    cancel_proposal,
    propose_mentor,
    request_mentoring,
    set_capacity,
    withdraw_request,
)

__all__ = [
    "REMINDER_DAYS",
    "TEMPLATES",
    "MentorSuggestion",
    "MentoringError",
    "PairingPlan",
    "Reason",
    "SuggestionList",
    "add_milestone",
    "add_objective",
    "answer_pairing",
    "apply_pairings",
    "cancel_proposal",
    "close_programme",
    "complete_milestone",
    "evaluate_programme",
    "file_report",
    "log_activity",
    "plan_pairings",
    "post_message",
    "propose_mentor",
    "request_mentoring",
    "send_milestone_reminders",
    "set_capacity",
    "suggest_mentors",
    "withdraw_request",
]
