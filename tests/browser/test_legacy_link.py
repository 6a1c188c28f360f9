"""A public-key integration in Chromium: Plaid's legacy Plaid.create({key, env, product, …})."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import create_link_token, plaid_post
from tests.browser.link_page import LinkInBrowser
from tests.browser.test_link_accessibility import link_frame
from tests.live_server import LiveGingham


def legacy_config(public_key: str, **overrides: Any) -> dict[str, Any]:
    return {
        "key": public_key,
        "env": "sandbox",
        "clientName": "Legacy App",
        "product": ["transactions"],
        "countryCodes": ["US"],
        **overrides,
    }


@pytest.fixture
def public_key(gingham: LiveGingham) -> str:
    key: str = plaid_post(gingham, "/_gingham/client/public_key/get", {})["public_key"]
    return key


@pytest.fixture
def link(page: Page, app_origin: str, gingham: LiveGingham) -> LinkInBrowser:
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    return link


@pytest.fixture
def link_switched_off(gingham: LiveGingham) -> Iterator[None]:
    plaid_post(
        gingham, "/_gingham/client/public_key/set", {"environment": "sandbox", "link": False}
    )
    try:
        yield
    finally:
        plaid_post(
            gingham, "/_gingham/client/public_key/set", {"environment": "sandbox", "link": True}
        )


def assert_accessible(link: LinkInBrowser, view: str) -> None:
    link.pane(view)
    violations = blocking_violations(link_frame(link.page))
    assert violations == [], f"axe-core on the {view} pane: {violations}"


def link_an_item(link: LinkInBrowser, public_key: str, **options: Any) -> tuple[str, Any]:
    link.create("", **legacy_config(public_key, **options))
    link.open()
    link.to_credentials()
    link.submit_credentials()
    link.pane("SELECT_ACCOUNT")
    link.frame.locator('[data-testid^="account-"]').first.click()
    link.click("accounts-continue")
    link.pane("CONNECTED")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    public_token, metadata = terminal["args"]
    return public_token, metadata


class TestLegacyLink:
    def test_links_an_item_with_the_legacy_metadata(
        self, link: LinkInBrowser, gingham: LiveGingham, public_key: str
    ) -> None:
        public_token, metadata = link_an_item(link, public_key, selectAccount=True)
        assert set(metadata) == {
            "institution",
            "accounts",
            "account",
            "account_id",
            "link_session_id",
        }
        assert metadata["account_id"] == metadata["accounts"][0]["id"]
        assert metadata["institution"]["institution_id"] == "ins_109508"
        exchanged = plaid_post(
            gingham, "/item/public_token/exchange", {"public_token": public_token}
        )
        assert exchanged["item_id"]
        # The link token Gingham made for the session stays in the frame.
        assert all("link-" not in str(entry["args"]) for entry in link.log())

    def test_update_mode_through_a_public_token(
        self, link: LinkInBrowser, gingham: LiveGingham, public_key: str
    ) -> None:
        public_token, _ = link_an_item(link, public_key)
        link.call("destroy")
        access_token = plaid_post(
            gingham, "/item/public_token/exchange", {"public_token": public_token}
        )["access_token"]
        plaid_post(gingham, "/sandbox/item/reset_login", {"access_token": access_token})
        update_token = plaid_post(
            gingham, "/item/public_token/create", {"access_token": access_token}
        )["public_token"]

        # With a key, `token` is the legacy option: the public token opens update mode.
        link.create(update_token, name="update", index=2, **legacy_config(public_key))
        link.open("update")
        assert_accessible(link, "CONSENT")
        link.click("consent-continue")
        link.pane("CREDENTIAL")
        link.submit_credentials()
        link.pane("CONNECTED")
        link.click("connected-continue")
        terminal = link.wait_for_terminal("update")
        assert terminal["kind"] == "success"
        item = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]
        assert item["error"] is None

    def test_an_oauth_institution_needs_a_link_token(
        self, link: LinkInBrowser, public_key: str
    ) -> None:
        link.create("", **legacy_config(public_key))
        link.open()
        link.pane("CONSENT")
        link.click("consent-continue")
        link.pane("SELECT_INSTITUTION")
        link.frame.get_by_test_id("search-input").fill("Platypus OAuth")
        link.click("institution-ins_127287")
        assert_accessible(link, "ERROR")
        expect(link.frame.locator('[data-view="ERROR"]')).to_contain_text("link token")

    def test_a_link_token_makes_the_legacy_options_ignored(
        self, link: LinkInBrowser, gingham: LiveGingham, public_key: str
    ) -> None:
        token = create_link_token(gingham)
        link.create(token, **legacy_config(public_key, clientName="Ignored", selectAccount=True))
        link.open()
        link.pane("CONSENT")
        expect(link.frame.locator('[data-view="CONSENT"]')).not_to_contain_text("Ignored")
        link.click("consent-continue")
        link.pane("SELECT_INSTITUTION")
        link.click("institution-ins_109508")
        link.pane("CREDENTIAL")
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        accounts = link.frame.locator('[data-testid^="account-"]')
        # Multi-select as the link token says, whatever selectAccount asked for.
        accounts.nth(0).click()
        accounts.nth(1).click()
        link.click("accounts-continue")
        link.pane("CONNECTED")
        link.click("connected-continue")
        terminal = link.wait_for_terminal()
        assert terminal["kind"] == "success"
        _, metadata = terminal["args"]
        assert len(metadata["accounts"]) == 2
        assert "transfer_status" in metadata


class TestLinkSwitchedOff:
    @pytest.mark.usefixtures("link_switched_off")
    def test_the_session_ends_at_once_in_on_exit(
        self, link: LinkInBrowser, public_key: str
    ) -> None:
        link.create("", **legacy_config(public_key))
        link.open()
        terminal = link.wait_for_terminal()
        assert terminal["kind"] == "exit"
        error, metadata = terminal["args"]
        assert error["error_code"] and "sandbox" in error["error_message"]
        assert set(metadata) == {"institution", "status", "link_session_id", "request_id"}
        # The frame is hidden again: nothing blank is left over the page.
        expect(link.page.locator("#plaid-link-iframe-1")).to_be_hidden()
