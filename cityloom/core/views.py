import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request):
    """Liveness and database readiness for load balancers: 200 only if a query round-trips."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # the point is to report any failure, not to crash
        # The error names hosts, users and paths: it goes to the log, never to the caller.
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def report_errors(request, exc: ValidationError, form=None) -> None:
    """Show the messages of a refused request: on `form` if given, else as page messages.

    On a form, a message tied to one of its fields (a `ServiceError(field=...)` or a dict of
    field errors) goes under that field; any other is a non-field error. Only validation errors
    are reported: anything else, such as `PermissionDenied`, is raised again.
    """
    if not isinstance(exc, ValidationError):
        raise exc
    if form is None:
        for message in exc.messages:
            messages.error(request, message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc)


def report_form_errors(request, form) -> None:
    """Show an invalid form's errors as page messages, for a POST that redirects rather than
    showing the form again: each field's errors after the field's label, so they still say
    which value is at fault."""
    for field, errors in form.errors.items():
        label = form[field].label if field in form.fields else None
        for error in errors:
            if label:
                error = _("%(field)s: %(error)s") % {"field": label, "error": error}
            messages.error(request, error)
