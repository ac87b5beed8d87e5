"""Fetch and read a feed defensively: timeouts, a size cap, few redirects, conditional GET.

A feed is someone else's server: it may be slow, huge, broken, malicious or looping. Every
failure becomes a `FeedError` with a code the source's page explains; nothing here raises
anything else for a bad feed.

A feed address is also a way to make this server send requests: only public internet
addresses are connected to. The host is resolved once, every address it resolves to is
checked, and the connection goes to the checked address (no second lookup a DNS server could
answer differently); each redirect goes through the same check.
"""

import datetime as dt
import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
import xml.sax
from dataclasses import dataclass, field

import feedparser
from django.conf import settings


class FeedError(Exception):
    """`code` says what went wrong (see observatory.services.ERRORS); `detail` is technical."""

    def __init__(self, code: str, detail: str = "", *, retry: bool = False):
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.retry = code, detail[:500], retry


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds per network operation
    deadline: float = 30.0  # seconds for the whole download
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    attempts: int = 3
    retry_delay: float = 2.0  # doubled after each failed attempt
    # Non-public networks that may still be fetched: empty in production; the tests name the
    # one loopback address their feed server listens on.
    allowed_networks: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            **getattr(settings, "CITYLOOM_FEED_LIMITS", {}),
            allowed_networks=tuple(getattr(settings, "CITYLOOM_FEED_ALLOWED_NETWORKS", ())),
        )


@dataclass
class Fetched:
    not_modified: bool
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    summary: str
    authors: str
    published_at: dt.datetime
    categories: list[str] = field(default_factory=list)


def is_public_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (),
) -> bool:
    """A global unicast address: not loopback, private, link-local, multicast or reserved."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 64:ff9b::7f00:1 reach an IPv4 address: judge that one.
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif address in ipaddress.IPv6Network("64:ff9b::/96"):
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        elif address.sixtofour is not None or address.teredo is not None:
            return False
    if any(address in network for network in allowed if network.version == address.version):
        return True
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _resolve(host: str, port: int, limits: Limits) -> list[tuple]:
    """The host's addresses, every one of them public; FeedError otherwise."""
    allowed = tuple(ipaddress.ip_network(n) for n in limits.allowed_networks)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FeedError("unreachable", f"{host}: {exc}") from None
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        # One private answer is enough to refuse: a name that resolves to both is an attack.
        if not is_public_address(address, allowed):
            raise FeedError("forbidden", f"{host} resolves to {address}")
    return infos


def _guarded(connection_class: type[http.client.HTTPConnection], limits: Limits) -> type:
    class GuardedConnection(connection_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = self._connect_checked

        def _connect_checked(self, address, timeout, source_address=None):
            host, port = address
            error: OSError | None = None
            for family, socktype, proto, _name, sockaddr in _resolve(host, port, limits):
                sock = socket.socket(family, socktype, proto)
                try:
                    sock.settimeout(timeout)
                    sock.connect(sockaddr)  # the checked address itself, not the name again
                except OSError as exc:
                    sock.close()
                    error = exc
                    continue
                return sock
            raise error or OSError(f"no address for {host}")

    return GuardedConnection


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, limits: Limits):
        super().__init__()
        self._connection = _guarded(http.client.HTTPConnection, limits)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, limits: Limits):
        super().__init__()
        self._connection = _guarded(http.client.HTTPSConnection, limits)

    def https_open(self, req):
        # The certificate is checked against the host name (SNI), as with an ordinary request.
        return self.do_open(self._connection, req, context=self._context)


def _opener(limits: Limits) -> urllib.request.OpenerDirector:
    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = limits.max_redirects
        max_repeats = 1  # the same URL twice is a loop

    # Built by hand: build_opener would add file://, ftp:// and data: handlers, and a proxy
    # handler that would connect to the proxy rather than to the checked address.
    opener = urllib.request.OpenerDirector()
    for handler in (
        _GuardedHTTPHandler(limits),
        _GuardedHTTPSHandler(limits),
        Redirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _read(response, limits: Limits, started: float) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise FeedError("too_big", f"Content-Length {length}")
    chunks, size = [], 0
    # read1 returns what has arrived: a feed trickling bytes still meets the deadline check.
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > limits.max_bytes:
            raise FeedError("too_big", f"more than {limits.max_bytes} bytes")
        if time.monotonic() - started > limits.deadline:
            raise FeedError("timeout", f"download longer than {limits.deadline} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _fetch_once(url: str, *, etag: str, last_modified: str, limits: Limits) -> Fetched:
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError("scheme", url)
    headers = {"User-Agent": "Cityloom feed reader", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    started = time.monotonic()
    try:
        with _opener(limits).open(request, timeout=limits.timeout) as response:
            body = _read(response, limits, started)
            return Fetched(
                not_modified=False,
                body=body,
                etag=response.headers.get("ETag", "")[:300],
                last_modified=response.headers.get("Last-Modified", "")[:100],
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(not_modified=True, etag=etag, last_modified=last_modified)
        if exc.code in (301, 302, 303, 307, 308):
            raise FeedError("redirects", str(exc.reason)) from None
        raise FeedError("http", f"HTTP {exc.code}", retry=exc.code >= 500) from None
    except TimeoutError as exc:
        raise FeedError("timeout", str(exc), retry=True) from None
    except FeedError:
        raise
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FeedError):
            raise exc.reason from None
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise FeedError("timeout", str(exc.reason), retry=True) from None
        raise FeedError("unreachable", str(exc.reason), retry=True) from None
    except (OSError, ValueError) as exc:  # connection reset, malformed headers, bad URL
        raise FeedError("unreachable", str(exc), retry=True) from None


def fetch(url: str, *, etag: str = "", last_modified: str = "", limits: Limits) -> Fetched:
    """GET the feed, retrying transient failures with a growing pause."""
    for attempt in range(limits.attempts):
        try:
            return _fetch_once(url, etag=etag, last_modified=last_modified, limits=limits)
        except FeedError as exc:
            if not exc.retry or attempt == limits.attempts - 1:
                raise
            time.sleep(limits.retry_delay * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _date(entry) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        if value := entry.get(key):
            return dt.datetime(*value[:6], tzinfo=dt.UTC)
    return None


def parse(body: bytes, *, max_entries: int = 200) -> list[Entry]:
    """The feed's entries; FeedError if it is not a well-formed RSS or Atom document."""
    # feedparser given bytes never fetches anything; expat refuses entity expansion bombs.
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException):
        raise FeedError("invalid", str(problem))
    if not parsed.get("version"):
        raise FeedError("not_a_feed", str(problem or ""))
    now = dt.datetime.now(dt.UTC)
    entries = []
    for item in parsed.entries[:max_entries]:
        link = item.get("link", "")
        if not link.lower().startswith(("http://", "https://")):
            link = ""
        guid = (item.get("id") or link or item.get("title", ""))[:500]
        if not guid:
            continue
        entries.append(
            Entry(
                guid=guid,
                title=(item.get("title") or link or guid)[:300],
                link=link[:1000],
                summary=item.get("summary", "")[:10000],
                authors=(item.get("author") or "")[:300],
                published_at=min(_date(item) or now, now),
                categories=[t.get("term", "") for t in item.get("tags", []) if t.get("term")],
            )
        )
    return entries
