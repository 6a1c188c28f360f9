"""Rehearsing the Link token migration: a legacy app on a public key, migrated step by step as
Plaid's Link token migration guide lists, then with its public key switched off — in Chromium.

Each step keeps everything the app does working: linking an Item, repairing it in update mode,
and the three endpoints that once took the public key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from tests.browser.conftest import plaid_post
from tests.browser.migration_app.app import LegacyApp, serving
from tests.live_server import LiveGingham, live_gingham_on


@pytest.fixture(scope="module")
def gingham_of_the_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    # A server of its own: the test turns its public key off, which no other test should see.
    with live_gingham_on("sqlite", tmp_path_factory, client_name="legacy") as server:
        yield server


@pytest.fixture
def legacy_app(gingham_of_the_app: LiveGingham) -> LegacyApp:
    public_key = plaid_post(gingham_of_the_app, "/_gingham/client/public_key/get", {})["public_key"]
    return LegacyApp(gingham_of_the_app, public_key)


@pytest.fixture
def app_page(page: Page, legacy_app: LegacyApp) -> Iterator[Page]:
    with serving(legacy_app) as url:
        page.goto(url)
        page.wait_for_function("() => window.Plaid && typeof window.Plaid.create === 'function'")
        yield page


class Journey:
    """What the app's user does, through the app's page and Gingham's Link frame."""

    def __init__(self, page: Page, app: LegacyApp) -> None:
        self.page = page
        self.app = app

    @property
    def frame(self) -> FrameLocator:
        # The app destroys each handler when it ends, so there is one Link frame at a time.
        return self.page.frame_locator("iframe[id^='plaid-link-iframe-']")

    def pane(self, view: str) -> None:
        expect(self.frame.locator(f'[data-view="{view}"]')).to_be_visible()

    def click(self, testid: str) -> None:
        self.frame.get_by_test_id(testid).click()

    def to_credentials(self) -> None:
        self.pane("CONSENT")
        self.click("consent-continue")
        self.pane("SELECT_INSTITUTION")
        self.click("institution-ins_109508")

    def sign_in(self, username: str = "user_good", password: str = "pass_good") -> None:
        self.pane("CREDENTIAL")
        self.frame.get_by_test_id("credential-username").fill(username)
        self.frame.get_by_test_id("credential-password").fill(password)
        self.click("credential-submit")

    def status(self, expected: str) -> None:
        expect(self.page.locator("#status")).to_contain_text(expected)

    def last(self) -> dict[str, Any]:
        entry: dict[str, Any] = self.page.evaluate("() => window.appLog[window.appLog.length - 1]")
        return entry

    def link_an_item(self, *, invalidate_first: bool = False) -> str:
        self.page.click("#link-account")
        if invalidate_first:
            self.to_credentials()
            self.sign_in("user_custom", '{"force_error": "INVALID_LINK_TOKEN"}')
            self.page.wait_for_function(
                "() => window.appLog.some(e => e.error && e.error.error_code === 'INVALID_LINK_TOKEN')"
            )
        self.to_credentials()
        self.sign_in()
        self.pane("SELECT_ACCOUNT")
        self.frame.locator('[data-testid^="account-"]').first.click()
        self.click("accounts-continue")
        self.pane("CONNECTED")
        self.click("connected-continue")
        self.status("linked ")
        assert self.app.item_id is not None
        return self.app.item_id

    def break_and_fix_the_item(self) -> None:
        assert self.app.access_token is not None
        plaid_post(
            self.app.gingham, "/sandbox/item/reset_login", {"access_token": self.app.access_token}
        )
        self.page.click("#fix-account")
        self.pane("CONSENT")
        self.click("consent-continue")
        self.sign_in()
        self.pane("CONNECTED")
        self.click("connected-continue")
        self.status("fixed")
        item = plaid_post(self.app.gingham, "/item/get", {"access_token": self.app.access_token})
        assert item["item"]["error"] is None

    def find_banks(self) -> None:
        self.page.click("#find-banks")
        self.status("banks: ")
        found = self.last()["found"]
        assert "error_code" not in found, found
        assert "First Platypus Bank" in found["names"]

    def everything_works(self) -> None:
        item_id = self.link_an_item()
        self.break_and_fix_the_item()
        assert self.app.item_id == item_id
        self.find_banks()


def switch(app: LegacyApp, **switches: bool) -> None:
    plaid_post(
        app.gingham, "/_gingham/client/public_key/set", {"environment": "sandbox", **switches}
    )


def test_a_legacy_app_migrates_step_by_step(app_page: Page, legacy_app: LegacyApp) -> None:
    journey = Journey(app_page, legacy_app)

    # Before: Link with the public key, update mode with /item/public_token/create, the three
    # endpoints with the public key.
    journey.everything_works()
    assert set(journey.page.evaluate("() => window.appLog[0].metadata")) == {
        "institution",
        "accounts",
        "account",
        "account_id",
        "link_session_id",
    }

    # Steps 1-2: the server makes link tokens and the client opens Link with them, and makes a
    # fresh one when Link exits with INVALID_LINK_TOKEN.
    legacy_app.stage.link_with = "link_token"
    journey.everything_works()
    journey.link_an_item(invalidate_first=True)

    # Step 3: every entry point, update mode included, uses a link token.
    legacy_app.stage.update_with = "link_token"
    journey.everything_works()

    # Step 5: client_id and secret on /institutions/search, /institutions/get_by_id and
    # /sandbox/public_token/create.
    legacy_app.stage.api_with = "client_credentials"
    journey.everything_works()

    # Step 6: the public key off for Link and for the API. The migrated app does not notice.
    switch(legacy_app, link=False, api=False)
    journey.everything_works()

    # What the key's switches now refuse: Link with the key ends at once in onExit, and the
    # endpoints refuse the key, saying what to use instead.
    legacy_app.stage.link_with = "public_key"
    journey.page.click("#link-account")
    journey.status("link exited: ")
    refused = journey.last()
    assert refused["outcome"] == "exit" and refused["error"]["error_code"]
    legacy_app.stage.api_with = "public_key"
    journey.page.click("#find-banks")
    journey.status("banks: ")
    assert "client_id" in journey.last()["found"]["error_message"]
