"""Driving Link in Chromium the way a user does: through the app page and Gingham's iframe."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import FrameLocator, Page, expect

from tests.browser.conftest import screenshot
from tests.live_server import LiveGingham


class LinkInBrowser:
    """The test app's page with one Link handler, and the Link frame it opened."""

    def __init__(
        self, page: Page, app_origin: str, gingham: LiveGingham, name: str = "main"
    ) -> None:
        self.page = page
        self.gingham = gingham
        self.name = name
        self.app_url = f"{app_origin}/app.html?gingham={gingham.base_url}"
        self.handler_index = 1

    def load_app(self) -> None:
        self.page.goto(self.app_url)
        self.page.wait_for_function(
            "() => window.Plaid && typeof window.Plaid.create === 'function'"
        )

    def create(self, token: str, *, index: int = 1, name: str | None = None, **extra: Any) -> None:
        self.handler_index = index
        self.page.evaluate(
            "([name, token, extra]) => window.makeHandler(name, token, extra)",
            [name or self.name, token, extra],
        )

    def open(self, name: str | None = None) -> None:
        self.page.evaluate("(name) => window.handlers[name].open()", name or self.name)

    def call(self, method: str, *args: Any, name: str | None = None) -> None:
        self.page.evaluate(
            "([name, method, args]) => window.handlers[name][method](...args)",
            [name or self.name, method, list(args)],
        )

    @property
    def frame(self) -> FrameLocator:
        return self.page.frame_locator(f"#plaid-link-iframe-{self.handler_index}")

    def pane(self, view: str, shot: str | None = None) -> None:
        """Wait until the frame shows `view`; keep a screenshot of it when named."""
        expect(self.frame.locator(f'[data-view="{view}"]')).to_be_visible()
        if shot:
            screenshot(self.page, shot)

    def click(self, testid: str) -> None:
        self.frame.get_by_test_id(testid).click()

    def fill(self, testid: str, value: str) -> None:
        self.frame.get_by_test_id(testid).fill(value)

    # The log the app page keeps of everything Link told it.

    def log(self, name: str | None = None) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.page.evaluate("() => window.linkLog")
        return [entry for entry in entries if entry["handler"] == (name or self.name)]

    def wait_for_terminal(self, name: str | None = None) -> dict[str, Any]:
        self.page.wait_for_function(
            "(name) => window.linkLog.some(e => e.handler === name && (e.kind === 'success' || e.kind === 'exit'))",
            arg=name or self.name,
        )
        (terminal,) = [e for e in self.log(name) if e["kind"] in ("success", "exit")]
        return terminal

    def event_names(self, name: str | None = None) -> list[str]:
        names = []
        for entry in self.log(name):
            if entry["kind"] != "event":
                continue
            event_name, metadata = entry["args"]
            names.append(
                f"{event_name}:{metadata['view_name']}"
                if event_name == "TRANSITION_VIEW"
                else event_name
            )
        return names

    # Common journeys.

    def to_credentials(
        self, institution_id: str = "ins_109508", *, shots: str | None = None
    ) -> None:
        self.pane("CONSENT", f"{shots}-consent" if shots else None)
        self.click("consent-continue")
        self.pane("SELECT_INSTITUTION", f"{shots}-select-institution" if shots else None)
        self.click(f"institution-{institution_id}")
        self.pane("CREDENTIAL", f"{shots}-credential" if shots else None)

    def submit_credentials(self, password: str = "pass_good", username: str = "user_good") -> None:
        self.fill("credential-username", username)
        self.fill("credential-password", password)
        self.click("credential-submit")
