"""The REST API, `/api/v1/`: what is public, read-only, paginated."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)

from cityloom.communications.api import router as communications_router
from cityloom.forum.api import router as forum_router
from cityloom.meetings.api import router as meetings_router
from cityloom.mentoring.api import router as mentoring_router
from cityloom.network.api import router as network_router
from cityloom.observatory.api import router as observatory_router
from cityloom.practices.api import router as practices_router
from cityloom.projects.api import router as projects_router
from cityloom.reports.api import router as reports_router
from cityloom.study.api import router as study_router

api = NinjaAPI(
    title="Cityloom API",
    version="1",
    description="Members, cities and the shared work of a network of cities.",
    urls_namespace="api-v1",
)
api.add_router("", network_router)
api.add_router("", practices_router)
api.add_router("", observatory_router)
api.add_router("/study", study_router)
api.add_router("", meetings_router)
api.add_router("/mentoring", mentoring_router)
api.add_router("", communications_router)
api.add_router("", projects_router)
api.add_router("", forum_router)
api.add_router("", reports_router)


# Our messages speak the caller's language (Accept-Language, read by LocaleMiddleware, as /api/
# has no language prefix); Ninja's own are English only. Where Django's catalogs already hold
# the sentence (validation messages), the same msgid reuses their French and Spanish.
@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign in to use this endpoint.")}, status=401)


@api.exception_handler(PermissionDenied)
@api.exception_handler(AuthorizationError)
def forbidden(request, exc):
    return api.create_response(
        request, {"detail": _("Your account may not use this endpoint.")}, status=403
    )


# The English messages Ninja raises itself; ours are translated where they are raised.
_NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("The request body is not valid JSON."),
    "CSRF check Failed": gettext_lazy(
        "The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."
    ),
}


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc, Throttled):
        detail = _("Too many requests. Wait a moment and try again.")
    else:
        detail = _NINJA_MESSAGES.get(exc.message, exc.message)
    return api.create_response(request, {"detail": str(detail)}, status=exc.status_code)


_OWN_MESSAGES = {"value_error": "Value error, ", "assertion_error": "Assertion failed, "}


def _validation_message(error: dict) -> str:
    """A translated `msg` for one of Pydantic's errors, chosen by its stable `type`."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _OWN_MESSAGES:
        # Our own validators' text, translated where it was raised: keep it, without the
        # English prefix Pydantic adds ("Value error, ...").
        prefix = _OWN_MESSAGES[kind]
        message = str(error.get("msg", ""))
        return message.removeprefix(prefix)
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long") and "max_length" in ctx:
        limit = ctx["max_length"]
        return ngettext(
            "Ensure this value has at most %(limit)d character or item.",
            "Ensure this value has at most %(limit)d characters or items.",
            limit,
        ) % {"limit": limit}
    if kind in ("string_too_short", "too_short") and "min_length" in ctx:
        limit = ctx["min_length"]
        return ngettext(
            "Ensure this value has at least %(limit)d character or item.",
            "Ensure this value has at least %(limit)d characters or items.",
            limit,
        ) % {"limit": limit}
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge")
        }
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le")
        }
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("datetime_"):
        return _("Enter a valid date/time.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. That choice is not one of the available choices.")
    return _("Enter a valid value.")


@api.exception_handler(ValidationError)
def invalid(request, exc):
    # Where (`loc`) and what kind (`type`, `ctx`) stay as Pydantic gives them; `msg` is for people.
    detail = [
        {**error, "msg": _validation_message(error)} if "type" in error else error
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)
