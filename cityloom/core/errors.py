"""The one error services raise for a request they refuse.

A service raises `ServiceError` when the request is invalid (a closed call, a full meeting) and
Django's `PermissionDenied` when the person may not make it: views report the first with
`cityloom.core.views.report_errors` and let the second become a 403.
"""

from django.core.exceptions import ValidationError

__all__ = ["ServiceError"]


class ServiceError(ValidationError):
    """A request that must not be recorded; the message is for the person who made it.

    Built like a `ValidationError` (message, `code`, `params`, or a dict of field name to
    messages); `field` names the form field the message belongs to, if any.
    """

    def __init__(self, message, code=None, params=None, *, field: str | None = None):
        super().__init__(message, code=code, params=params)
        self.field = field
