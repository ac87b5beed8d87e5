"""The anonymous page cache and the data version every write bumps.

A public page an anonymous visitor asks for is the same for every anonymous visitor until the
data changes. It is stored under its language, address (path and query), encoding and the data
version; any write moves the version on, so a page is never served stale after a change: it is
simply never asked for again under the old version, and expires.

The version lives in the "shared" cache (the database, or Redis), which every worker reads, so a
write in one worker (or in the task worker, the admin, a management command) is seen by all.
Pages live in the "default" cache (each worker's memory, or Redis).

What bumps the version: any model saved or deleted, any many-to-many change (signals, connected
by `watch_writes()` at start-up), and any unsafe request (POST, PUT, PATCH, DELETE) answered,
since a bulk `update()` sends no signal. Each bump happens at once and again after the
transaction commits: a page rendered between the two from the data before the commit is stored
under a version nobody asks for any more.
"""

import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router, transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
)
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

VERSION_KEY = "cityloom:data-version"
PAGE_SECONDS = 300  # time-relative text ("in 3 days") is at most this old
MAX_BODY = 512 * 1024
# Rows no public page shows, written on every request, mail or task: they never bump.
IGNORED_MODELS = {
    "sessions.session",
    "core.outgoingmail",
    "core.workerheartbeat",
    "admin.logentry",
    "django_tasks_db.dbtaskresult",
}
# What the cache key already holds, or what does not change a page's content.
ALLOWED_VARY = {"accept-language", "cookie", "accept-encoding", "hx-request"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


_migrating = False


def enabled() -> bool:
    """Whether pages are cached (CITYLOOM_PAGE_CACHE; the test suite turns it off but in its own
    tests, so that counting a view's queries counts the view's)."""
    return settings.CITYLOOM_PAGE_CACHE


def _version_cache():
    return caches["shared"]


def data_version() -> str:
    """The current data version: a token that changes on every write."""
    store = _version_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        # add(): two workers starting together agree on the first token.
        if not store.add(VERSION_KEY, version, None):
            version = store.get(VERSION_KEY) or version
    return version


def bump_version() -> None:
    _version_cache().set(VERSION_KEY, secrets.token_hex(8), None)


def _bump_after_commit(using: str) -> None:
    connection = connections[using]
    if connection.in_atomic_block and not any(
        func is bump_version for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(bump_version, using=using)


def data_changed(*, using: str = "default") -> None:
    """Move the data version on now and, inside a transaction, again once it commits."""
    bump_version()
    _bump_after_commit(using)


def _on_write(sender, **kwargs) -> None:
    # During migrations the cache table may not exist yet; fixtures load raw rows.
    if _migrating or kwargs.get("raw") or not enabled():
        return
    if sender._meta.label_lower in IGNORED_MODELS:
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed sends pre_ and post_ actions: one bump is enough
    data_changed(using=kwargs.get("using") or router.db_for_write(sender))


def _migration_started(**kwargs) -> None:
    global _migrating
    _migrating = True


def _migration_finished(**kwargs) -> None:
    global _migrating
    _migrating = False
    if enabled():
        bump_version()  # a data migration may have changed what pages show


def watch_writes() -> None:
    """Connect the signals that bump the data version (once, from CoreConfig.ready)."""
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_on_write, dispatch_uid=f"cityloom-data-version-{name}")
    pre_migrate.connect(_migration_started, dispatch_uid="cityloom-data-version-pre-migrate")
    post_migrate.connect(_migration_finished, dispatch_uid="cityloom-data-version-post-migrate")


def memo(key: str, compute, seconds: int = PAGE_SECONDS):
    """`compute()`, kept in the cache until the data version moves on (or `seconds` pass).

    For what a page reads over every member (counts, facets): computed once after each write
    rather than on every render. Computed each time when the page cache is off.
    """
    if not enabled():
        return compute()
    versioned = f"memo|{data_version()}|{key}"
    store = caches["default"]
    value = store.get(versioned, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(versioned, value, seconds)
    return value


_MISSING = object()


def _language_prefix(path: str) -> str:
    parts = path.split("/", 2)
    if len(parts) > 2 and parts[1] in {code for code, _name in settings.LANGUAGES}:
        return parts[1]
    return ""


def page_key(request) -> str | None:
    """The cache key of the request's page, or None when the request may not use the cache.

    Only anonymous reads: no session (so no login and no pending message), no messages cookie,
    no credentials; only pages whose address names their language, and the API (keyed by the
    language the visitor's browser asks for).
    """
    if request.method != "GET" or not enabled():
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    path = request.path
    language = _language_prefix(path)
    if language:
        if path.startswith((f"/{language}/admin/", f"/{language}/accounts/")):
            return None
    elif path.startswith("/api/"):
        language = "api:" + request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:64]
    else:
        return None
    encoding = "gzip" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "identity"
    return "|".join(
        (
            "page",
            data_version(),
            language,
            encoding,
            request.headers.get("HX-Request", ""),
            # Pages may hold absolute addresses (feeds, mails' links): one entry per host.
            request.META.get("HTTP_HOST", "")[:255],
            request.get_full_path(),
        )
    )


def _may_store(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > MAX_BODY:
        return False
    # A page holding a CSRF token belongs to one visitor; Django asks to set its cookie then.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= ALLOWED_VARY


def stored_page(key: str) -> HttpResponse | None:
    entry = caches["default"].get(key)
    if entry is None:
        return None
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    return response


def store_page(key: str, request, response) -> None:
    if _may_store(request, response):
        headers = [(n, v) for n, v in response.items() if n.lower() != "content-length"]
        caches["default"].set(key, (response.status_code, headers, response.content), PAGE_SECONDS)


# Tables written on requests that change no page: sessions, attempt counters, the outbox.
UNSEEN_TABLES = ("django_session", "cityloom_shared_cache", "core_outgoingmail")


class WriteDetector:
    """An execute wrapper noting whether a request wrote rows any page may show.

    A bulk update() sends no signal, so a write request moves the version on when it wrote;
    one that only read (a live check, a refused form) leaves the cached pages alone.
    """

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote:
            verb = sql.lstrip()[:7].upper()
            if verb.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")) and not any(
                table in sql for table in UNSEEN_TABLES
            ):
                self.wrote = True
        return execute(sql, params, many, context)


def is_write(request) -> bool:
    return request.method not in SAFE_METHODS and enabled()
