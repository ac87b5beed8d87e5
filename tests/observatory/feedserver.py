"""A real HTTP server on 127.0.0.1 serving good, broken, slow and malicious feeds."""

import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Urban news</title><link>http://example.org/</link>
<description>News</description>
<item><title>Smart mobility in Bilbao</title><link>http://example.org/mobility</link>
<guid>urn:item:1</guid><pubDate>Mon, 04 Mar 2013 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Bike sharing &lt;script&gt;alert(1)&lt;/script&gt;grows.&lt;/p&gt;</description>
<category>open-data</category></item>
<item><title>Open data in Bordeaux</title><link>http://example.org/open-data</link>
<guid>urn:item:2</guid><pubDate>Tue, 05 Mar 2013 10:00:00 GMT</pubDate>
<description>Portal launched.</description></item>
</channel></rss>"""

RSS_MORE = RSS.replace(
    b"</channel>",
    b"<item><title>Third item</title><link>http://example.org/third</link><guid>urn:item:3</guid>"
    b"</item></channel>",
)

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Observatorio</title><id>urn:feed</id>
<updated>2013-05-01T00:00:00Z</updated>
<entry><title>Movilidad urbana</title><id>urn:atom:1</id><link href="http://example.org/a1"/>
<updated>2013-05-01T00:00:00Z</updated><summary>Informe.</summary></entry>
<entry><title>Same link, other id</title><id>urn:atom:2</id><link href="http://example.org/a1"/>
<updated>2013-05-02T00:00:00Z</updated></entry>
</feed>"""

INVALID = (
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</title><item><title>x</chan"
)

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rss version="2.0"><channel><title>Bomb</title><item><title>&f;</title><guid>b</guid></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>XXE</title><item><title>leak &x;</title><guid>x</guid></item></channel></rss>"""

ETAG = '"v1"'
LAST_MODIFIED = "Tue, 05 Mar 2013 10:00:00 GMT"


class FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet tests
        pass

    def _send(self, body: bytes, status=200, content_type="application/rss+xml", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        server = self.server
        server.hits[self.path] = server.hits.get(self.path, 0) + 1
        server.requests.append((self.path, dict(self.headers)))
        path = self.path
        if path == "/rss.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.end_headers()
                return
            body = server.rss
            self._send(body, headers=[("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])
        elif path == "/atom.xml":
            self._send(ATOM, content_type="application/atom+xml")
        elif path == "/error":
            self._send(b"boom", status=500, content_type="text/plain")
        elif path == "/flaky":
            if server.hits[path] == 1:
                self._send(b"try later", status=503, content_type="text/plain")
            else:
                self._send(RSS)
        elif path == "/missing":
            self._send(b"not here", status=404, content_type="text/plain")
        elif path == "/slow":
            time.sleep(2)
            self._send(RSS)
        elif path == "/trickle":
            # Every byte arrives before the read timeout, but the whole never ends in time.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b" " * 10)
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/huge":
            # No Content-Length: only counting the bytes read can stop it.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                self.wfile.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
                for _ in range(2000):
                    self.wfile.write(b"<item><title>x</title></item>" * 100)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10**10))
            self.end_headers()
        elif path == "/invalid.xml":
            self._send(INVALID)
        elif path == "/bomb.xml":
            self._send(BOMB)
        elif path == "/xxe.xml":
            self._send(EXTERNAL_ENTITY)
        elif path == "/page.html":
            self._send(b"<html><body><p>Not a feed</p></body></html>", content_type="text/html")
        elif path == "/loop-a":
            self._send(b"", status=302, headers=[("Location", "/loop-b")])
        elif path == "/loop-b":
            self._send(b"", status=302, headers=[("Location", "/loop-a")])
        elif path == "/moved":
            self._send(b"", status=301, headers=[("Location", "/rss.xml")])
        elif path.startswith("/redirect?to="):
            target = urllib.parse.unquote(path.partition("=")[2])
            self._send(b"", status=302, headers=[("Location", target)])
        elif path == "/to-file":
            self._send(b"", status=302, headers=[("Location", "file:///etc/passwd")])
        else:
            self._send(b"?", status=404, content_type="text/plain")


class FeedServer:
    """A feed server on a loopback address (127.0.0.2 by default: the one the tests allow)."""

    def __init__(self, host: str = "127.0.0.2"):
        self.host = host

    def __enter__(self):
        self.httpd = ThreadingHTTPServer((self.host, 0), FeedHandler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a slow handler must not hold the test up
        self.httpd.hits = {}
        self.httpd.requests = []
        self.httpd.rss = RSS
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.httpd.server_port}{path}"

    @property
    def hits(self) -> dict:
        return self.httpd.hits

    @property
    def requests(self) -> list:
        return self.httpd.requests
