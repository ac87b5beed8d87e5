import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
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


def accessibility_statement(request):
    return render(
        request,
        "core/accessibility.html",
        {"contact_email": settings.CITYLOOM_CONTACT_EMAIL},
    )


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


# Error pages. Each one has the site's layout, in the language of the requested page (the
# LocaleMiddleware has already chosen it from the URL prefix, or Accept-Language without one),
# and a way back. None of them shows the exception's text: it is English and may leak details.


@requires_csrf_token
def bad_request(request, exception=None):
    return HttpResponseBadRequest(loader.render_to_string("core/errors/400.html", request=request))


@requires_csrf_token
def permission_denied(request, exception=None):
    return HttpResponseForbidden(loader.render_to_string("core/errors/403.html", request=request))


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


@requires_csrf_token
def page_not_found(request, exception=None):
    if _is_api(request):  # an address no router knows: the API answers in JSON, as it always does
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return HttpResponseNotFound(loader.render_to_string("core/errors/404.html", request=request))


def csrf_failure(request, reason=""):
    """The form was sent without a valid CSRF token: most often an expired page or cookies off."""
    return HttpResponseForbidden(
        loader.render_to_string("core/errors/403_csrf.html", request=request)
    )


def server_error(request):
    """The 500 page, which must render when the database is what failed.

    It is rendered without the context processors (the user, the messages and the session all
    read the database) and its template leaves out everything that needs them.
    """
    # The failure may come from a middleware that runs before LocaleMiddleware (the page cache
    # reads the database): choose the language here, from the URL prefix or Accept-Language.
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        return _server_error(request)


def _server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Something went wrong on our side")}, status=500)
    try:
        body = loader.render_to_string("core/errors/500.html", {"request": request})
    except Exception:  # the error page itself must never raise: fall back to bare text
        logger.exception("The 500 page could not be rendered")
        body = '<!DOCTYPE html><html lang="{0}"><title>{1}</title><h1>{1}</h1></html>'.format(
            escape(get_language()), escape(_("Something went wrong on our side"))
        )
    return HttpResponseServerError(body)
