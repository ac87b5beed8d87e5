"""The error of mentoring, shared by its writes (services) and its engine reads (queries)."""

from django.core.exceptions import ValidationError


class MentoringError(ValidationError):
    """A request that must not be recorded; the message is for the person who made it."""
