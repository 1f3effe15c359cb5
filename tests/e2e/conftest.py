"""Browser tests: the app served from a background thread, driven by Debian's Chromium.

The server shares the session `app` (its SQLite database is a file, or PostgreSQL when
DATABASE_URL is set), so tests create data with the factory and check it in the database.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.browser_watch import BrowserWatch

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (make chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, session):
    """Open pages in fresh browser contexts (one per user); all closed after the test.
    Each page is watched: a CSP violation or an uncaught script error fails the test
    (issue 13 point 4), whatever the test itself checks."""
    contexts, watches = [], []

    def open_page():
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watches.append(BrowserWatch(page))
        return page

    yield open_page
    for context in contexts:
        context.close()
    for watch in watches:
        watch.assert_clean()
