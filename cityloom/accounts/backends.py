from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class ThrottledModelBackend(ModelBackend):
    """Django's backend, first in AUTHENTICATION_BACKENDS, refusing every password check from an
    address that failed too often before any backend looks at the password: allauth's login,
    the admin's and re-authentication alike."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = throttle.login_of({"username": username, **kwargs})
        if request is not None and throttle.is_login_refused(request, login):
            raise PermissionDenied  # Django stops here: no later backend is asked
        return super().authenticate(request, username=username, password=password, **kwargs)
