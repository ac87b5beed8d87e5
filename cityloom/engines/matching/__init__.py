"""Mentor matching: ranked suggestions with reasons, and the optimal global assignment.

Pure Python + NumPy/SciPy, no Django. The mentoring app builds a `CandidatePool` once per
edition/capacity change, then calls `suggest` per request or `assign` for a batch.
"""

from .assignment import Assignment, Match, assign
from .errors import (
    DuplicateIdError,
    InputError,
    InvalidValueError,
    MatchingError,
    SolverError,
    UnknownAxisError,
)
from .model import AXES, CRITERIA, Candidate, Criterion, Request, Weights
from .pool import CandidatePool, build_pool
from .suggestion import (
    AxisStrength,
    CapacityDetail,
    ContextDetail,
    CriterionScore,
    LanguageDetail,
    PracticeDetail,
    StrengthDetail,
    Suggestion,
    Suggestions,
    suggest,
)

__all__ = [
    "AXES",
    "CRITERIA",
    "Assignment",
    "AxisStrength",
    "Candidate",
    "CandidatePool",
    "CapacityDetail",
    "ContextDetail",
    "Criterion",
    "CriterionScore",
    "DuplicateIdError",
    "InputError",
    "InvalidValueError",
    "LanguageDetail",
    "Match",
    "MatchingError",
    "PracticeDetail",
    "Request",
    "SolverError",
    "StrengthDetail",
    "Suggestion",
    "Suggestions",
    "UnknownAxisError",
    "Weights",
    "assign",
    "build_pool",
    "suggest",
]
