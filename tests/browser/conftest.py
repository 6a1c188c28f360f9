"""Browser wiring: Debian's Chromium driven headless by Playwright, against a live `gingham serve`.

The app under test is a page on an origin of its own (another port), exactly as a developer's app
would be: it loads link-initialize.js from Gingham and opens Link in Gingham's iframe, so every
message between page and frame crosses origins as it does in production.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.live_server import LiveGingham, free_port, live_gingham_on

CHROMIUM = "/usr/bin/chromium"
PAGES = Path(__file__).parent / "pages"
# Screenshots of every pane, kept for reviewers (not committed).
ARTIFACTS = Path(os.environ.get("GINGHAM_TEST_ARTIFACTS", "artifacts")) / "screenshots"

# Chromium as root in a container, on a machine with no network beyond loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed; `./dev test` installs it with apt-get")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    with live_gingham_on("sqlite", tmp_path_factory, client_name="browser") as server:
        yield server


@pytest.fixture(scope="session")
def app_origin() -> Iterator[str]:
    """The developer's app: static pages from tests/browser/pages on a port of their own."""
    port = free_port()
    handler = partial(_QuietHandler, directory=str(PAGES))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def create_link_token(server: LiveGingham, **overrides: Any) -> str:
    body: dict[str, Any] = {
        "client_name": "Browser Test App",
        "language": "en",
        "country_codes": ["US"],
        "products": ["transactions"],
        "user": {"client_user_id": "browser-user"},
        **overrides,
    }
    response = httpx.post(
        f"{server.base_url}/link/token/create",
        json=body,
        headers={"PLAID-CLIENT-ID": server.client_id, "PLAID-SECRET": server.secret},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["link_token"]
    return token


def plaid_post(server: LiveGingham, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{server.base_url}{path}",
        json=body,
        headers={"PLAID-CLIENT-ID": server.client_id, "PLAID-SECRET": server.secret},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
