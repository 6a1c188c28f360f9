"""An invalid link token in Chromium: Link exits with INVALID_LINK_TOKEN after too many failed
logins or 30 minutes of the sandbox clock, and the app recovers as Plaid's "Handling an invalid
Link token" shows: destroy() the handler, fetch a new link token, Plaid.create() again, open."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

INVALID_LINK_TOKEN = {
    "error_type": "INVALID_INPUT",
    "error_code": "INVALID_LINK_TOKEN",
    "error_message": "invalid link_token provided",
    "display_message": None,
}

# The app's onExit, as Plaid's guide writes it: on INVALID_LINK_TOKEN, destroy the handler, ask
# the backend for a new link token and open Link again with it. `fetchLinkToken` stands for the
# app's backend (exposed by the test).
RECOVERING_APP = """
(token) => {
  window.appLog = [];
  window.linkHandlers = [];
  const start = (token) => {
    const handler = window.Plaid.create({
      token,
      onSuccess: (publicToken, metadata) => window.appLog.push({ kind: "success", publicToken, metadata }),
      onEvent: (eventName, metadata) => window.appLog.push({ kind: "event", eventName, metadata }),
      onExit: async (error, metadata) => {
        window.appLog.push({ kind: "exit", error, metadata });
        if (error != null && error.error_code === "INVALID_LINK_TOKEN") {
          handler.destroy();
          start(await window.fetchLinkToken());
        }
      },
    });
    window.linkHandlers.push(handler);
    handler.open();
  };
  start(token);
}
"""


@pytest.fixture
def link(page: Page, app_origin: str, gingham: LiveGingham) -> LinkInBrowser:
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    page.expose_function("fetchLinkToken", lambda: create_link_token(gingham))
    return link


def app_log(link: LinkInBrowser, kind: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = link.page.evaluate("() => window.appLog")
    return [entry for entry in entries if entry["kind"] == kind]


def wait_for_errors(link: LinkInBrowser, count: int) -> None:
    """Until onEvent has reported `count` ERROR events (each failed login sends one)."""
    link.page.wait_for_function(
        "(n) => window.appLog.filter(e => e.eventName === 'ERROR').length >= n", arg=count
    )


def recover_and_link(link: LinkInBrowser) -> None:
    """The app reopened Link with a new token in a new frame: link an Item through it."""
    link.handler_index = 2
    link.to_credentials()
    link.submit_credentials()
    link.pane("SELECT_ACCOUNT")
    link.frame.locator('[data-testid^="account-"]').first.click()
    link.click("accounts-continue")
    link.pane("CONNECTED")
    link.click("connected-continue")
    link.page.wait_for_function("() => window.appLog.some(e => e.kind === 'success')")
    (success,) = app_log(link, "success")
    assert success["publicToken"].startswith("public-sandbox-")
    # destroy() took the first frame away: only the new handler's is left.
    expect(link.page.locator("iframe")).to_have_count(1)
    expect(link.page.locator("#plaid-link-iframe-2")).to_have_count(1)


class TestFailedLogins:
    def test_link_exits_and_the_app_recovers_with_a_new_token(self, link: LinkInBrowser) -> None:
        token = create_link_token(link.gingham)
        link.page.evaluate(RECOVERING_APP, token)
        link.to_credentials()
        for attempt in range(1, 5):
            link.submit_credentials("wrong")
            wait_for_errors(link, attempt)
            expect(link.frame.get_by_test_id("error-message")).to_be_visible()
        screenshot(link.page, "invalid-token-last-try")
        link.submit_credentials("wrong")
        link.page.wait_for_function("() => window.appLog.some(e => e.kind === 'exit')")
        (exit_,) = app_log(link, "exit")
        assert exit_["error"] == INVALID_LINK_TOKEN
        assert exit_["metadata"]["status"] == "requires_credentials"
        errors = [
            e["metadata"]["error_code"] for e in app_log(link, "event") if e["eventName"] == "ERROR"
        ]
        assert errors == ["INVALID_CREDENTIALS"] * 4 + ["INVALID_LINK_TOKEN"]
        recover_and_link(link)


class TestThirtyMinutes:
    def test_link_exits_and_the_app_recovers_with_a_new_token(self, link: LinkInBrowser) -> None:
        token = create_link_token(link.gingham)
        link.page.evaluate(RECOVERING_APP, token)
        link.to_credentials()
        plaid_post(link.gingham, "/_gingham/clock/advance", {"by": "PT30M"})
        link.submit_credentials()
        link.page.wait_for_function("() => window.appLog.some(e => e.kind === 'exit')")
        (exit_,) = app_log(link, "exit")
        assert exit_["error"] == INVALID_LINK_TOKEN
        assert exit_["metadata"]["status"] == "requires_credentials"
        names = [e["eventName"] for e in app_log(link, "event")]
        assert "ERROR" in names and "EXIT" in names
        # The session is on record as exited with the error.
        (session,) = plaid_post(link.gingham, "/link/token/get", {"link_token": token})[
            "link_sessions"
        ]
        assert session["exit"]["error"] == INVALID_LINK_TOKEN
        recover_and_link(link)

    def test_opened_as_a_page_of_its_own_link_shows_the_session_has_ended(
        self, page: Page, gingham: LiveGingham
    ) -> None:
        token = create_link_token(gingham)
        page.set_viewport_size({"width": 375, "height": 740})
        page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token={token}")
        page.get_by_test_id("consent-continue").click()
        page.get_by_test_id("institution-ins_109508").click()
        expect(page.locator('[data-view="CREDENTIAL"]')).to_be_visible()
        plaid_post(gingham, "/_gingham/clock/advance", {"by": "PT30M"})
        page.get_by_test_id("credential-username").fill("user_good")
        page.get_by_test_id("credential-password").fill("pass_good")
        page.get_by_test_id("credential-password").press("Enter")
        done = page.locator('[data-view="DONE"]')
        expect(done).to_have_attribute("data-error-family", "session")
        expect(done.locator("#pane-title")).to_have_text("This session has ended")
        expect(page.get_by_test_id("error-code")).to_contain_text("INVALID_LINK_TOKEN")
        screenshot(page, "invalid-token-session-ended-375")
        assert blocking_violations(page) == []
