"""OAuth institutions in a real browser: pop-up and redirect flows against Gingham's OAuth bank."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

PLATYPUS_OAUTH = "ins_127287"
WEBVIEW_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 10; SM-G960F Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/95.0.4638.50 Mobile Safari/537.36"
)


def to_oauth_pane(link: LinkInBrowser, institution_id: str = PLATYPUS_OAUTH) -> None:
    link.pane("CONSENT")
    link.click("consent-continue")
    link.fill("search-input", "Platypus OAuth")
    link.click(f"institution-{institution_id}")
    link.pane("OAUTH", "oauth-pane")


def consent_at_bank(
    bank: Page, *, keep_masks: list[str] | None = None, drop_scopes: tuple[str, ...] = ()
) -> None:
    bank.get_by_test_id("bank-username").fill("platypus-user")
    bank.get_by_test_id("bank-password").fill("anything")
    bank.get_by_test_id("bank-login").click()
    expect(bank.get_by_test_id("bank-allow")).to_be_visible()
    screenshot(bank, "bank-consent")
    if keep_masks is not None:
        for checkbox in bank.locator('[data-testid^="account-"]').all():
            mask = (checkbox.get_attribute("data-testid") or "").removeprefix("account-")
            if (mask in keep_masks) != checkbox.is_checked():
                checkbox.click()
    for scope in drop_scopes:
        bank.get_by_test_id(f"scope-{scope}").uncheck()
    bank.get_by_test_id("bank-allow").click()


def open_bank_popup(
    page: Page, app_origin: str, gingham: LiveGingham
) -> tuple[LinkInBrowser, Page]:
    """Link opened on the test app, at Platypus OAuth Bank, with the bank's pop-up open."""
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham))
    link.open()
    to_oauth_pane(link)
    with page.context.expect_page() as popup_info:
        link.click("oauth-continue")
    return link, popup_info.value


class TestPopupFlow:
    def test_oauth_bank_links_through_a_popup(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link, bank = open_bank_popup(page, app_origin, gingham)
        consent_at_bank(bank, keep_masks=["0000", "1111"])
        link.pane("CONNECTED", "oauth-connected")
        link.click("connected-continue")
        public_token, metadata = link.wait_for_terminal()["args"]
        assert metadata["institution"]["institution_id"] == PLATYPUS_OAUTH
        assert [a["mask"] for a in metadata["accounts"]] == ["0000", "1111"]
        names = link.event_names()
        # The Plaid OAuth guide's sequence (a search may or may not precede the selection).
        assert [n for n in names if n != "SEARCH_INSTITUTION"] == [
            "OPEN",
            "TRANSITION_VIEW:SELECT_INSTITUTION",
            "SELECT_INSTITUTION",
            "TRANSITION_VIEW:OAUTH",
            "OPEN_OAUTH",
            "TRANSITION_VIEW:CONNECTED",
            "HANDOFF",
        ]
        assert "SUBMIT_CREDENTIALS" not in names
        access_token = plaid_post(
            gingham, "/item/public_token/exchange", {"public_token": public_token}
        )["access_token"]
        accounts = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
        assert [a["mask"] for a in accounts] == ["0000", "1111"]

    def test_closing_the_bank_window_stays_on_the_oauth_pane(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link, bank = open_bank_popup(page, app_origin, gingham)
        bank.close()
        page.wait_for_function(
            "() => window.linkLog.some(e => e.kind === 'event' && e.args[0] === 'CLOSE_OAUTH')"
        )
        link.pane("OAUTH")
        link.call("exit", {"force": True})
        _error, metadata = link.wait_for_terminal()["args"]
        assert metadata["status"] == "requires_oauth"

    def test_denial_at_the_bank_ends_in_requires_oauth(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link, bank = open_bank_popup(page, app_origin, gingham)
        bank.get_by_test_id("bank-login").click()
        bank.get_by_test_id("bank-deny").click()
        link.pane("ERROR", "oauth-denied")
        link.click("error-exit")
        link.click("exit-confirm")
        error, metadata = link.wait_for_terminal()["args"]
        assert metadata["status"] == "requires_oauth"
        assert error["error_code"] == "INTERNAL_SERVER_ERROR"
        # The OAuth guide's sequence for an error at the bank.
        names = link.event_names()
        assert names[names.index("ERROR") :] == [
            "ERROR",
            "TRANSITION_VIEW:ERROR",
            "TRANSITION_VIEW:EXIT",
            "EXIT",
        ]

    def test_partial_consent_without_the_products_data_fails(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link, bank = open_bank_popup(page, app_origin, gingham)
        consent_at_bank(bank, drop_scopes=("transactions",))
        link.pane("ERROR", "oauth-partial-consent")
        expect(link.frame.get_by_test_id("error-code")).to_contain_text("ACCESS_NOT_GRANTED")


@pytest.fixture
def webview(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        user_agent=WEBVIEW_USER_AGENT, viewport={"width": 412, "height": 860}
    )
    yield context
    context.close()


class TestRedirectFlow:
    def _allow_list(self, gingham: LiveGingham, uri: str) -> None:
        plaid_post(gingham, "/_gingham/client/redirect_uris/add", {"redirect_uri": uri})

    def test_webview_redirects_and_link_resumes_at_the_redirect_uri(
        self, webview: BrowserContext, app_origin: str, gingham: LiveGingham
    ) -> None:
        redirect_uri = f"{app_origin}/oauth-return.html"
        self._allow_list(gingham, redirect_uri)
        page = webview.new_page()
        link = LinkInBrowser(page, app_origin, gingham)
        link.load_app()
        link.create(create_link_token(gingham, redirect_uri=redirect_uri))
        link.open()
        to_oauth_pane(link)
        first_session = {
            e["args"][1]["link_session_id"] for e in link.log() if e["kind"] == "event"
        }
        link.click("oauth-continue")
        consent_at_bank(page, keep_masks=["0000"])
        page.wait_for_url(f"{redirect_uri}?oauth_state_id=*")
        link.pane("CONNECTED", "oauth-redirect-connected")
        link.click("connected-continue")
        _public_token, metadata = link.wait_for_terminal()["args"]
        assert {metadata["link_session_id"]} == first_session
        assert [a["mask"] for a in metadata["accounts"]] == ["0000"]

        # The user reloads the redirect page: the oauth_state_id has been used.
        page.reload()
        error, _ = link.wait_for_terminal()["args"]
        assert error["error_code"] == "OAUTH_STATE_ID_ALREADY_PROCESSED"

    def test_unknown_oauth_state_id(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        redirect_uri = f"{app_origin}/oauth-return.html"
        self._allow_list(gingham, redirect_uri)
        link = LinkInBrowser(page, app_origin, gingham)
        link.load_app()
        link.create(create_link_token(gingham, redirect_uri=redirect_uri))
        page.goto(f"{redirect_uri}?oauth_state_id=9d5feadd-a873-43eb-97ba-422f35ce849b")
        error, _ = link.wait_for_terminal()["args"]
        assert error["error_code"] == "OAUTH_STATE_ID_NOT_FOUND"


IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


class TestQrCodeFlow:
    def _open_qr(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> tuple[LinkInBrowser, str]:
        link = LinkInBrowser(page, app_origin, gingham)
        link.load_app()
        link.create(create_link_token(gingham, country_codes=["FR"]))
        link.open()
        link.pane("CONSENT")
        link.click("consent-continue")
        link.fill("search-input", "Flexible Platypus")
        link.click("institution-ins_117181")
        link.pane("OAUTH")
        link.click("oauth-qr")
        code = link.frame.get_by_test_id("oauth-qr-code")
        expect(code.locator("svg")).to_be_visible()
        screenshot(page, "oauth-qr-code")
        url = code.get_attribute("data-oauth-url")
        assert url and "/ins_117181/oauth/authorize" in url
        return link, url

    def test_consent_on_the_phone_continues_link_on_the_computer(
        self, browser: Browser, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link, url = self._open_qr(page, app_origin, gingham)
        phone = browser.new_context(
            user_agent=IPHONE_SAFARI, viewport={"width": 390, "height": 844}
        )
        try:
            bank = phone.new_page()
            bank.goto(url)
            consent_at_bank(bank, keep_masks=["0000"])
            expect(bank.get_by_role("heading")).to_contain_text("go back to your computer")
        finally:
            phone.close()
        link.pane("CONNECTED")
        link.click("connected-continue")
        public_token, metadata = link.wait_for_terminal()["args"]
        assert metadata["institution"]["institution_id"] == "ins_117181"
        access_token = plaid_post(
            gingham, "/item/public_token/exchange", {"public_token": public_token}
        )["access_token"]
        item = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]
        # EU open banking: consent lasts 90 days.
        assert item["consent_expiration_time"] is not None
        accounts = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
        assert {a["balances"]["iso_currency_code"] for a in accounts} == {"EUR"}

    def test_denial_on_the_phone(
        self, browser: Browser, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link, url = self._open_qr(page, app_origin, gingham)
        phone = browser.new_context(user_agent=IPHONE_SAFARI)
        try:
            bank = phone.new_page()
            bank.goto(url)
            bank.get_by_test_id("bank-login").click()
            bank.get_by_test_id("bank-deny").click()
        finally:
            phone.close()
        link.pane("ERROR")


class TestAppToApp:
    def test_bank_app_returns_through_the_universal_link(
        self, browser: Browser, app_origin: str, gingham: LiveGingham
    ) -> None:
        redirect_uri = f"{app_origin}/oauth-return.html"
        plaid_post(gingham, "/_gingham/client/redirect_uris/add", {"redirect_uri": redirect_uri})
        phone = browser.new_context(
            user_agent=IPHONE_SAFARI, viewport={"width": 390, "height": 844}
        )
        try:
            page = phone.new_page()
            link = LinkInBrowser(page, app_origin, gingham)
            link.load_app()
            link.create(create_link_token(gingham, redirect_uri=redirect_uri))
            link.open()
            link.pane("CONSENT")
            link.click("consent-continue")
            link.fill("search-input", "App2App")
            link.click("institution-ins_132241")
            link.pane("OAUTH")
            link.click("oauth-continue")
            consent_at_bank(page)
            page.wait_for_url(f"{redirect_uri}?oauth_state_id=*")
            link.pane("CONNECTED", "app2app-connected")
            link.click("connected-continue")
            _, metadata = link.wait_for_terminal()["args"]
            assert metadata["institution"]["institution_id"] == "ins_132241"
        finally:
            phone.close()


class TestOneItemPerLogin:
    def _link_chase(self, page: Page, app_origin: str, gingham: LiveGingham) -> str:
        link = LinkInBrowser(page, app_origin, gingham)
        link.load_app()
        link.create(create_link_token(gingham))
        link.open()
        link.pane("CONSENT")
        link.click("consent-continue")
        link.fill("search-input", "Chase")
        link.click("institution-ins_3")
        link.pane("OAUTH")
        with page.context.expect_page() as popup_info:
            link.click("oauth-continue")
        consent_at_bank(popup_info.value)
        link.pane("CONNECTED")
        link.click("connected-continue")
        public_token, _ = link.wait_for_terminal()["args"]
        exchanged = plaid_post(
            gingham, "/item/public_token/exchange", {"public_token": public_token}
        )
        access_token: str = exchanged["access_token"]
        return access_token

    def test_linking_the_same_chase_login_again_invalidates_the_earlier_item(
        self, browser: Browser, app_origin: str, gingham: LiveGingham
    ) -> None:
        tokens = []
        for _ in range(2):
            context = browser.new_context()
            try:
                tokens.append(self._link_chase(context.new_page(), app_origin, gingham))
            finally:
                context.close()
        first, second = (
            plaid_post(gingham, "/item/get", {"access_token": t})["item"] for t in tokens
        )
        assert first["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert second["error"] is None
