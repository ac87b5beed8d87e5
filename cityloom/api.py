"""The REST API, `/api/v1/`: what is public, read-only, paginated."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from cityloom.communications.api import router as communications_router
from cityloom.meetings.api import router as meetings_router
from cityloom.mentoring.api import router as mentoring_router
from cityloom.network.api import router as network_router
from cityloom.observatory.api import router as observatory_router
from cityloom.practices.api import router as practices_router
from cityloom.projects.api import router as projects_router
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


# Our messages speak the caller's language (Accept-Language); Ninja's own are English only.
@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign in to use this endpoint.")}, status=401)
