"""Response headers Django 5.2 does not set itself, and input no page can take."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from . import cache as page_cache

# Everything the pages use comes from this site (static/vendor/, served by WhiteNoise), with no
# inline script or style: text that slips through escaping cannot run, and no page loads an
# image from elsewhere, so a note's reader is never announced to another host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        # Signing in through a city's own identity provider posts, then redirects, to it.
        " ".join(["form-action 'self'", *settings.CITYLOOM_CSP_FORM_ACTION]),
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A view that needs its own policy sets the header; the default never overrides it.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RefuseNulCharacterMiddleware:
    """A NUL character in the query string is a 400, whatever the view.

    No text a person types contains one; PostgreSQL refuses it in any string, so a search box
    or filter read straight from request.GET would otherwise answer 500. Forms already refuse
    it in posted fields (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API validates its own parameters and answers 422, as its schema documents.
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return HttpResponseBadRequest(
                _("The address contains a character that is not allowed."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class AnonymousPageCacheMiddleware:
    """Public pages for anonymous visitors, served from the cache until the data changes.

    Placed before the session, locale, CSRF and authentication middleware: a page served from
    the cache costs one read of the data version and one of the page (see core/cache.py for
    what is cached, under which key, and what moves the version on).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if page_cache.is_write(request):
            detector = page_cache.WriteDetector()
            try:
                with connection.execute_wrapper(detector):
                    return self.get_response(request)
            finally:
                # A bulk update() sends no signal: a request that wrote moves the version on.
                if detector.wrote:
                    page_cache.data_changed()
        key = page_cache.page_key(request)
        if key is None:
            return self.get_response(request)
        response = page_cache.stored_page(key)
        if response is None:
            response = self.get_response(request)
            page_cache.store_page(key, request, response)
        return response
