"""The API's documentation page renders from the site's own files: offline, no CDN."""

from urllib.parse import urlsplit


def test_api_docs_render_with_no_outside_request(page, live_server):
    site = urlsplit(live_server.url).netloc
    outside = []

    def refuse_outside(route):
        if urlsplit(route.request.url).netloc == site:
            route.continue_()
        else:  # as on a machine with no internet: the request fails
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", refuse_outside)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto("/api/v1/docs")
    # Swagger UI has fetched the schema and drawn it: the title and the operations are there.
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Cityloom API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/practices" in path for path in paths), paths[:5]
    assert page.evaluate("document.documentElement.lang") == "en"
    assert outside == []
    assert failed == []
