"""Finding the site's pages the way a person does: from the home page, following links.

Shared by the browser tests that look at every page (layout, languages): a few pages per URL
name (a second meeting draws the same template as the first), files, feeds, the API and the
admin left out.
"""

from collections import Counter
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError

from cityloom.core.demo import DEMO_PASSWORD

from .conftest import AXE_PATH

# Pages per URL name: enough to meet a second kind of object (a published and a draft edition).
PER_VIEW = 2
MAX_PAGES = 120
# Not pages: files, feeds, the API, the admin (Django's own pages), and anything that logs out.
SKIP = ("/admin/", "/api/", "/accounts/logout", "/i18n/", "/static/", "/media/", AXE_PATH)
SKIP_ENDINGS = (".csv", ".xlsx", ".json", ".pdf", ".ics", ".zip", ".xml", ".svg", ".png", ".rss")


def log_in(page, email: str) -> None:
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{email} could not log in"


def view_name(path: str) -> str | None:
    path = urlsplit(path).path
    try:
        # The language prefix resolves only in its own language.
        with translation.override(path.split("/")[1]):
            return resolve(path).view_name
    except Resolver404:
        return None


def crawl(page, base: str, start: str, *, max_pages: int = MAX_PAGES) -> list[str]:
    """The site's HTML pages reachable from `start`, in the order first met."""
    seen, found, queue = set(), [], [start]
    per_view = Counter()
    lang = start.split("/")[1]
    while queue and len(found) < max_pages:
        path = queue.pop(0)
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a file served as an attachment
                continue
            raise
        if response is None or response.status >= 400:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        found.append(path)
        # `a.href` of an SVG link (the members map) is an object: resolve the attribute instead.
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])",
            "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
        )
        for href in hrefs:
            url, _fragment = urldefrag(href)
            if not url.startswith(base):
                continue
            link = url[len(base) :] or "/"
            if link in seen or not link.startswith(f"/{lang}/"):
                continue
            seen.add(link)
            if link.startswith(tuple(f"/{lang}{s}" for s in SKIP)) or urlsplit(link).path.endswith(
                SKIP_ENDINGS
            ):
                continue
            name = view_name(link)
            if name is None or per_view[name] >= PER_VIEW:
                continue
            per_view[name] += 1
            queue.append(link)
    return found
