"""react-plaid-link from npm, unmodified, running Link from Gingham.

react-plaid-link always loads Link from Plaid's CDN (a hard-coded URL, no override). The app in
react_app/ is built exactly as a developer would build it; only Playwright's routing answers the
CDN URL with Gingham's link-initialize.js, as a DNS override or proxy would in a real deployment.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

REACT_APP = Path(__file__).parent / "react_app"
# react-plaid-link's PLAID_LINK_STABLE_URL (src/constants.ts), inlined in its dist bundles.
PLAID_CDN_SCRIPT = "https://cdn.plaid.com/link/v2/stable/link-initialize.js"
NPM_INSTALL_TIMEOUT_SECONDS = 300
NPM_BUILD_TIMEOUT_SECONDS = 120


def run_npm(*args: str, timeout: float) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("`npm` is not on PATH; the react-plaid-link test needs Node 20 and npm")
    command = [npm, *args]
    try:
        done = subprocess.run(
            command, cwd=REACT_APP, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as timed_out:
        pytest.fail(f"`{' '.join(command)}` did not finish in {timeout} s:\n{timed_out.output}")
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` failed with exit code {done.returncode}:\n"
            f"{done.stdout}\n{done.stderr}"
        )


@pytest.fixture(scope="module")
def react_bundle() -> Path:
    """react_app/'s dependencies installed from its lockfile, and dist/bundle.js freshly built."""
    if not (REACT_APP / "node_modules").is_dir():
        run_npm("ci", "--no-audit", "--no-fund", timeout=NPM_INSTALL_TIMEOUT_SECONDS)
    run_npm("run", "build", timeout=NPM_BUILD_TIMEOUT_SECONDS)
    bundle = REACT_APP / "dist" / "bundle.js"
    assert bundle.is_file(), f"`npm run build` did not write {bundle}"
    return bundle


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def react_origin(react_bundle: Path) -> Iterator[str]:
    """The React app (index.html and dist/) on a port of its own."""
    handler = partial(_QuietHandler, directory=str(REACT_APP))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def serve_cdn_script_from(page: Page, gingham: LiveGingham) -> list[str]:
    """Answer Plaid's CDN script URL with Gingham's script; returns the list of requests routed."""
    response = httpx.get(f"{gingham.base_url}/link/v2/stable/link-initialize.js")
    assert response.status_code == 200, response.text
    script = response.text
    routed: list[str] = []

    def fulfil(route: Route) -> None:
        routed.append(route.request.url)
        route.fulfill(status=200, content_type="application/javascript", body=script)

    page.route(PLAID_CDN_SCRIPT, fulfil)
    return routed


def test_react_plaid_link_app_links_through_gingham(
    page: Page, gingham: LiveGingham, react_origin: str
) -> None:
    routed = serve_cdn_script_from(page, gingham)
    token = create_link_token(gingham)

    page.goto(f"{react_origin}/index.html?token={token}")
    open_button = page.get_by_test_id("open-link")
    expect(open_button).to_be_enabled()
    open_button.click()

    link = LinkInBrowser(page, react_origin, gingham)
    link.handler_index = 1
    link.to_credentials()
    link.submit_credentials()
    link.pane("SELECT_ACCOUNT")
    account = link.frame.locator('[data-testid^="account-"]').first
    account.click()
    chosen_account_id = (account.get_attribute("data-testid") or "").removeprefix("account-")
    link.click("accounts-continue")
    link.pane("CONNECTED")
    link.click("connected-continue")

    page.wait_for_function("() => window.reactResult !== null")
    result: dict[str, Any] = page.evaluate("() => window.reactResult")
    expect(page.get_by_test_id("result")).to_be_visible()
    assert json.loads(page.get_by_test_id("result").inner_text()) == result
    screenshot(page, "react-plaid-link-connected")

    public_token, metadata = result["public_token"], result["metadata"]
    assert public_token.startswith("public-sandbox-")
    assert metadata["institution"]["institution_id"] == "ins_109508"
    assert [a["id"] for a in metadata["accounts"]] == [chosen_account_id]
    event_names = [e["eventName"] for e in page.evaluate("() => window.reactEvents")]
    assert event_names[0] == "OPEN" and event_names[-1] == "HANDOFF"
    assert routed == [PLAID_CDN_SCRIPT]

    access_token = plaid_post(
        gingham, "/item/public_token/exchange", {"public_token": public_token}
    )["access_token"]
    accounts = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    assert [a["account_id"] for a in accounts] == [chosen_account_id]
