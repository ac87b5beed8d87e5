"""The error of mentoring, shared by its writes (services) and its engine reads (queries)."""

from cityloom.core.errors import ServiceError


class MentoringError(ServiceError):
    """A request that must not be recorded; the message is for the person who made it."""
