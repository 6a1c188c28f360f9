"""What the dashboard's browser tests share: calling the API of the server under test, a signed-in
page, and the checks every page passes (axe, no sideways scroll)."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Browser, Frame, Locator, Page, expect

from tests.browser.accessibility import blocking_violations
from tests.live_server import LiveGingham

WIDE = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 812}


def api(
    gingham: LiveGingham, path: str, body: dict[str, Any], secret: str | None = None
) -> httpx.Response:
    return httpx.post(
        f"{gingham.base_url}{path}",
        json=body,
        headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": secret or gingham.secret},
    )


def ok(gingham: LiveGingham, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api(gingham, path, body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def open_page(browser: Browser, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport).new_page()  # type: ignore[arg-type]
    page.set_default_timeout(10_000)
    return page


def sign_in(page: Page, gingham: LiveGingham, secret: str | None = None) -> None:
    page.goto(f"{gingham.base_url}/dashboard")
    expect(page).to_have_url(f"{gingham.base_url}/dashboard/sign-in")
    page.get_by_label("client_id").fill(gingham.client_id)
    page.get_by_label("secret").fill(secret or gingham.secret)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Dashboard")).to_be_visible()


def open_signed_in(browser: Browser, gingham: LiveGingham, viewport: dict[str, int]) -> Page:
    page = open_page(browser, viewport)
    sign_in(page, gingham)
    return page


def assert_accessible(page: Page | Frame, where: str) -> None:
    violations = blocking_violations(page)
    assert violations == [], f"axe-core found serious or critical problems on {where}: {violations}"


def assert_fits(page: Page, where: str) -> None:
    """Nothing makes the page itself scroll sideways (wide tables scroll in their own box)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} is {overflow}px wider than the screen"


def go_to(page: Page, label: str) -> None:
    """Follow a link of the left navigation."""
    nav = page.get_by_role("navigation", name="Dashboard")
    nav.get_by_role("link", name=label, exact=True).click()
    expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def notice(page: Page) -> Locator:
    return page.get_by_test_id("notice")
