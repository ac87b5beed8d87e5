#!/usr/bin/env python3
"""Refresh the README's screenshots from the demo.

    .venv/bin/python scripts/screenshots.py                       # starts a demo of its own
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000   # uses a running one

Saves docs/screenshots/{home,study-ranking,meeting-grid,secretariat-space}.png at 1280 px wide
and home-mobile.png at 390 px, with Playwright driving the system's Chromium. A demo started
here lives in a temporary data directory and is stopped (with its worker) at the end.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CITYLOOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SECRETARIAT = "secretariat@cityloom.demo"
PASSWORD = "cityloom-demo"  # cityloom.core.demo.DEMO_PASSWORD
LANGUAGE = "en"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, *, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            sys.exit(f"the demo stopped (exit code {process.returncode}) before serving {url}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5):
                return
        except OSError:
            time.sleep(1)
    sys.exit(f"nothing answered at {url} within {seconds:.0f} s")


@contextmanager
def demo_server(url: str | None):
    """A running demo's address: the given one, or one started here and stopped afterwards."""
    if url:
        _wait_for(url, seconds=10)
        yield url.rstrip("/")
        return
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="cityloom-screenshots-") as data:
        env = {**os.environ, "CITYLOOM_DATA_DIR": data}
        command = [str(ROOT / ".venv" / "bin" / "cityloom"), "demo", f"--addrport=127.0.0.1:{port}"]
        say("starting the demo (the first start imports the world's cities: a few minutes)…")
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        try:
            _wait_for(f"http://127.0.0.1:{port}", seconds=900, process=process)
            yield f"http://127.0.0.1:{port}"
        finally:
            # The demo stops the server and worker it started when it is asked to stop.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _first_link(page, pattern: str) -> str:
    hrefs = page.eval_on_selector_all(
        "main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    for href in hrefs:
        if re.search(pattern, href):
            return href
    sys.exit(f"no link matching {pattern} on {page.url}")


def _log_in(page, email: str) -> None:
    page.goto(f"/{LANGUAGE}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"could not log in as {email}")


def _save(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    say(f"saved {path.relative_to(ROOT)} ({page.url})")


def take(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desktop = browser.new_context(
            base_url=url, viewport={"width": 1280, "height": 800}, locale="en-GB"
        )
        page = desktop.new_page()
        page.set_default_timeout(30_000)

        page.goto(f"/{LANGUAGE}/")
        _save(page, "home")

        # The Study: the latest edition with a ranking, scrolled to it.
        page.goto(f"/{LANGUAGE}/study/")
        editions = page.eval_on_selector_all(
            "main a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        editions = sorted(
            {h for h in editions if re.search(r"/study/editions/\d+/$", h)},
            key=lambda h: int(h.rstrip("/").rsplit("/", 1)[1]),
            reverse=True,
        )
        for edition in editions:
            page.goto(edition)
            if page.locator("#ranking").count():
                # The ranking's heading near the top, with the site header's bottom edge above it.
                page.evaluate(
                    "window.scrollTo(0, document.getElementById('ranking').offsetTop - 24)"
                )
                _save(page, "study-ranking")
                break
        else:
            say("no edition with a ranking: study-ranking.png not refreshed")

        # A meeting's session grid: the first meeting whose grid is published.
        page.goto(f"/{LANGUAGE}/meetings/")
        meetings = page.eval_on_selector_all(
            "main table a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        for meeting in meetings:
            response = page.goto(f"{meeting}grid/")
            if response and response.ok and page.locator("table.grid").count():
                _save(page, "meeting-grid")
                break
        else:
            say("no published grid: meeting-grid.png not refreshed")

        # The secretariat's space.
        _log_in(page, SECRETARIAT)
        page.goto(f"/{LANGUAGE}/my/")
        _save(page, "secretariat-space")
        desktop.close()

        phone = browser.new_context(
            base_url=url, viewport={"width": 390, "height": 844}, locale="en-GB"
        )
        page = phone.new_page()
        page.goto(f"/{LANGUAGE}/")
        _save(page, "home-mobile")
        phone.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", help="a running demo, e.g. http://127.0.0.1:8000 (default: start one)"
    )
    args = parser.parse_args()
    with demo_server(args.url) as url:
        take(url)


if __name__ == "__main__":
    main()
