import http.server
import threading

import pytest

from cityloom.core.pdf import html_to_pdf


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


@pytest.mark.slow
def test_pdf_never_fetches_a_url_from_the_content(loopback_server, tmp_path):
    base, hits = loopback_server
    css = tmp_path / "print.css"
    css.write_text("body { font-family: sans-serif; }")
    html = (
        f'<h1>Notes</h1><img src="{base}/tracker.png"><link rel="stylesheet" href="{base}/x.css">'
    )
    pdf = html_to_pdf(html, stylesheet=css)
    assert pdf.startswith(b"%PDF")
    assert hits == []
