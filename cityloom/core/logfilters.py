"""Logging filters used by settings.LOGGING."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A refused request (4xx) logs its one line, not the traceback of the refusal.

    Django logs every 403 with the PermissionDenied that caused it (`exc_info`): a traceback in
    the console for an expected answer, which hides the real errors. Server errors keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.") and status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
