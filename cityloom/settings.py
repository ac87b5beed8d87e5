"""Cityloom settings: one module, read from the environment, safe defaults on a laptop."""

import os
import re
import secrets
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    # Strict on purpose: "yes" or "on" in one place and not another is how outages start.
    if raw.lower() in ("1", "true"):
        return True
    if raw.lower() in ("0", "false"):
        return False
    raise ImproperlyConfigured(f"{name} must be true/false or 1/0, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, *, default: int, low: int = 0, high: int, unit: str = "") -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    # Digits only: int() would also take " 25", "+25" and "2_5".
    if not re.fullmatch(r"[0-9]{1,18}", raw) or not low <= int(raw) <= high:
        of_unit = f" of {unit}" if unit else ""
        raise ImproperlyConfigured(
            f"{name} must be a whole number{of_unit} from {low} to {high}, not {raw!r}"
        )
    return int(raw)


# Created when the application starts (cityloom.core's ready()), not when settings are read.
DATA_DIR = Path(env_str("CITYLOOM_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()


def _read_secret_key(path: Path, *, wait: float) -> str:
    # The process that created the file may not have written it yet: wait for its key.
    deadline = time.monotonic() + wait
    while not (key := path.read_text().strip()):
        if time.monotonic() > deadline:
            raise ImproperlyConfigured(f"{path} is empty: delete it, or set SECRET_KEY")
        time.sleep(0.05)
    return key


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY, else the key generated once into the data directory (never a literal)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = data_dir / "secret_key"
    if path.exists():
        return _read_secret_key(path, wait=5)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of workers starting at once on a new data directory, one writes the key and
        # the others read it. 0o600 from the first byte: never readable by others, not even
        # briefly (no chmod after writing).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_key(path, wait=5)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_urlsafe(50))
    return _read_secret_key(path, wait=0)


SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("CITYLOOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its API docs page then uses the bundled Swagger UI: no CDN, no inline script (CSP).
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Core before django_tasks_db: its `db_worker` (the library's, with heartbeat and reaper) wins.
    "cityloom.core",
    "django_tasks",
    "django_tasks_db",
    "cityloom.accounts",
    "cityloom.network",
    "cityloom.practices",
    "cityloom.observatory",
    "cityloom.study",
    "cityloom.meetings",
    "cityloom.mentoring",
    "cityloom.projects",
    "cityloom.communications",
    "cityloom.reports",
    "cityloom.forum",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cityloom.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous public pages from the cache (core/cache.py), stored compressed: before GZip.
    "cityloom.core.middleware.AnonymousPageCacheMiddleware",
    # BREACH: Django 5.2 pads every gzip response with random bytes (Heal the Breach) and masks
    # the CSRF token per response; compressing signed-in pages is accepted on that basis.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cityloom.core.middleware.RefuseNulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "cityloom.urls"
WSGI_APPLICATION = "cityloom.wsgi.application"

# Every form field through core/_field.html ({{ field.as_field_group }}).
FORM_RENDERER = "cityloom.core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The French "1er juin 2013": Django's `date` filter with the French ordinal.
            "builtins": ["cityloom.core.templatetags.localdates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cityloom.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'cityloom.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Persistent connections on both databases: reconnecting cost about 2 ms of a 7 to 20 ms page
# (issue 18); the health check replaces a connection the database closed in between.
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public pages for anonymous visitors are served from the cache until any write (core/cache.py).
CITYLOOM_PAGE_CACHE = env_bool("CITYLOOM_PAGE_CACHE", default=True)

# "default" holds what a worker may recompute (facet counts); "shared" holds what every worker
# must agree on (attempt counters): never a worker's local memory.
if redis_url := env_str("REDIS_URL"):
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    CACHES = {"default": _redis, "shared": {**_redis, "KEY_PREFIX": "shared"}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cityloom_shared_cache",
        },
    }

AUTH_USER_MODEL = "accounts.User"
# What core reaches through settings rather than by importing an app (core imports none):
# whose commissions a person runs (the admin's scoping, `cityloom.core.admin`).
CITYLOOM_SECRETARIAT_COMMISSIONS = "cityloom.network.permissions.secretariat_commissions"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend that first refuses addresses that failed too often (admin included).
    "cityloom.accounts.backends.ThrottledModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "network:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory, not configurable: an address nobody proved must never stand for a city's person.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_ADAPTER = "cityloom.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "cityloom.accounts.forms.SignupForm",
    "reset_password": "cityloom.accounts.forms.ResetPasswordForm",
}
# allauth counts in the "default" cache (each worker's memory) and locks an account for everyone
# after a few failures. cityloom.accounts.throttle counts in the shared cache instead: failed
# logins per (account, address) and per address, sign-ups and password resets per address and
# per recipient.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None, "signup": None, "reset_password": None}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cityloom] "
ACCOUNT_LOGOUT_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    # Cities with their own identity provider add an OpenID Connect app in the admin.
    "openid_connect": {"OAUTH_PKCE_ENABLED": True},
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Collected static files (production, `make demo`: `cityloom collectstatic` into the data
# directory first) have hashed names, cached by browsers for a year, and gzip/brotli copies made
# once. Without them (tests, a checkout) the files are served from their sources, briefly cached.
COLLECTED_STATIC = env_bool("CITYLOOM_COLLECTED_STATIC", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if COLLECTED_STATIC
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not COLLECTED_STATIC
# Unhashed names (favicon, a link a page did not make with {% static %}): one hour.
WHITENOISE_MAX_AGE = 3600 if COLLECTED_STATIC else 60
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# A form bigger than this is refused before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

EMAIL_BACKEND = env_str("CITYLOOM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25, high=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cityloom <noreply@cityloom.localhost>")
# Where people write about the site's accessibility (the accessibility statement shows it);
# left empty, it sends people to the secretariats named on the commissions' pages.
CITYLOOM_CONTACT_EMAIL = env_str("CITYLOOM_CONTACT_EMAIL")

# Background work goes through the database: any number of workers, no broker to run.
TASKS = {
    "default": {
        "BACKEND": env_str("CITYLOOM_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}


def _lease(name: str, default: str) -> float:
    raw = env_str(name, default)
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 86400:
        raise ImproperlyConfigured(f"{name} must be a number of seconds above 0, not {raw!r}")
    return seconds


# Each `cityloom db_worker` writes a heartbeat every lease/6 seconds. A worker silent for a whole
# lease is dead: its running tasks are run again (3 runs at most, then failed), its e-mails go
# back to the queue and the jobs no task is left to finish are marked failed. Every worker
# checks at start and every lease/2 seconds (cityloom/core/jobs.py).
CITYLOOM_WORKER_LEASE = _lease("CITYLOOM_WORKER_LEASE", "60")


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    raw = env_str(name)
    if not raw:
        return None
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", raw):
        raise ImproperlyConfigured(
            f"{name} must be a header name like X-Forwarded-Proto, not {raw!r}"
        )
    return f"HTTP_{raw.upper().replace('-', '_')}", "https"


# In production, behind HTTPS: CITYLOOM_SECURE_COOKIES=true, CITYLOOM_SSL_REDIRECT=true and
# CITYLOOM_HSTS_SECONDS=31536000 (start small: browsers remember it). Defaults suit a laptop.
SESSION_COOKIE_SECURE = env_bool("CITYLOOM_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cityloom.core.views.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("CITYLOOM_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("CITYLOOM_HSTS_SECONDS", default=0, high=999_999_999, unit="seconds")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CITYLOOM_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("CITYLOOM_HSTS_PRELOAD", default=False)
# Only when a proxy ends TLS and always sets (or strips) this header: otherwise any client
# could claim HTTPS. X-Forwarded-Proto: https is then trusted as a secure request.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header("CITYLOOM_PROXY_SSL_HEADER")
# How many proxies (load balancer, nginx) stand in front of the app servers: attempt counters
# then key on the address they saw (X-Forwarded-For), not on the proxy's own address.
CITYLOOM_TRUSTED_PROXIES = env_int("CITYLOOM_TRUSTED_PROXIES", default=0, high=9, unit="proxies")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy header is set by cityloom.core.middleware (no inline script/style).
# Cities that sign in through their own OpenID Connect provider: its origin, space-separated,
# e.g. "https://login.bilbao.eus" (the sign-in form posts, then redirects, there).
CITYLOOM_CSP_FORM_ACTION = env_str("CITYLOOM_CSP_FORM_ACTION").split()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "cityloom.core.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("CITYLOOM_LOG_LEVEL", "INFO")},
}
