"""axe-core on every pane of Link, at desktop width and at 375 px: no serious or critical
violation (contrast included: institution monograms take their brand colour, and their text
must still read on it)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Frame, Page, Route, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import create_link_token
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham


def link_frame(page: Page) -> Frame:
    (frame,) = [frame for frame in page.frames if "/link/v2/stable/link.html" in frame.url]
    return frame


def assert_accessible(link: LinkInBrowser, view: str, width: int) -> None:
    link.pane(view)
    violations = blocking_violations(link_frame(link.page))
    assert violations == [], f"axe-core on the {view} pane at {width} px: {violations}"


def opened(page: Page, app_origin: str, gingham: LiveGingham, width: int) -> LinkInBrowser:
    page.set_viewport_size({"width": width, "height": 800})
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham))
    link.open()
    return link


@pytest.mark.parametrize("width", [1280, 375])
class TestEveryPane:
    def test_from_consent_to_connected(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        assert_accessible(link, "CONSENT", width)
        link.click("consent-continue")
        assert_accessible(link, "SELECT_INSTITUTION", width)
        link.click("institution-ins_109508")
        assert_accessible(link, "CREDENTIAL", width)
        link.fill("credential-username", "user_good")
        link.fill("credential-password", "mfa_device")
        link.click("credential-submit")
        assert_accessible(link, "MFA", width)

    def test_account_select_and_connected(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.to_credentials()
        link.submit_credentials()
        assert_accessible(link, "SELECT_ACCOUNT", width)
        link.frame.locator('[data-testid^="account-"]').first.check()
        link.click("accounts-continue")
        assert_accessible(link, "CONNECTED", width)

    def test_the_error_and_oauth_panes(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.to_credentials()
        link.fill("credential-username", "user_good")
        link.fill("credential-password", "error_ITEM_LOCKED")
        link.click("credential-submit")
        assert_accessible(link, "ERROR", width)
        link = opened(page, app_origin, gingham, width)
        link.click("consent-continue")
        link.click("institution-ins_127287")
        assert_accessible(link, "OAUTH", width)


def standalone_frame(page: Page, gingham: LiveGingham, width: int, token: str) -> None:
    """link.html opened as a page of its own (Hosted Link, webviews)."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token={token}")


def assert_page_accessible(page: Page, what: str, width: int) -> None:
    violations = blocking_violations(page)
    assert violations == [], f"axe-core on {what} at {width} px: {violations}"


@pytest.mark.parametrize("width", [1280, 375])
class TestErrorFamilies:
    """Each kind of error pane: its own mark, wording and buttons."""

    def test_institution_item_and_api_errors(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.click("consent-continue")
        link.click("institution-ins_132361")
        expect(link.frame.locator('[data-error-family="institution"]')).to_be_visible()
        assert_accessible(link, "ERROR", width)
        for password, family in (("error_ITEM_LOCKED", "item"), ("error_PLAID_ERROR", "api")):
            link = opened(page, app_origin, gingham, width)
            link.to_credentials()
            link.submit_credentials(password)
            expect(link.frame.locator(f'[data-error-family="{family}"]')).to_be_visible()
            assert_accessible(link, "ERROR", width)

    def test_nothing_to_update(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        def no_error(route: Route) -> None:
            response = route.fetch()
            state = response.json()
            if state.get("view", {}).get("name") == "ERROR":
                state["view"]["can_retry"] = False
                state["view"]["error"] = {
                    "error_type": "ITEM_ERROR",
                    "error_code": "ITEM_NO_ERROR",
                    "error_message": "no Item to update",
                    "display_message": None,
                }
            route.fulfill(response=response, body=json.dumps(state))

        page.route("**/link/frame/sessions/*/actions", no_error)
        link = opened(page, app_origin, gingham, width)
        link.to_credentials()
        link.submit_credentials("error_INTERNAL_SERVER_ERROR")
        expect(link.frame.locator('[data-error-family="no-error"]')).to_be_visible()
        assert_accessible(link, "ERROR", width)

    def test_gingham_out_of_reach(self, page: Page, gingham: LiveGingham, width: int) -> None:
        page.route("**/link/frame/sessions", lambda route: route.abort())
        standalone_frame(page, gingham, width, "link-sandbox-unreached")
        expect(page.locator('[data-error-family="network"]')).to_be_visible()
        assert_page_accessible(page, "the network error pane", width)

    def test_an_ended_session(self, page: Page, gingham: LiveGingham, width: int) -> None:
        standalone_frame(page, gingham, width, "link-sandbox-ended")
        expect(page.locator('[data-view="DONE"][data-error-family="session"]')).to_be_visible()
        assert_page_accessible(page, "the ended-session pane", width)


@pytest.mark.parametrize("width", [1280, 375])
class TestNewPaneStates:
    def test_loading(self, page: Page, gingham: LiveGingham, width: int) -> None:
        page.route("**/link/frame/sessions", lambda route: None)
        standalone_frame(page, gingham, width, "link-sandbox-waiting")
        expect(page.get_by_test_id("loading-status")).to_be_visible()
        assert_page_accessible(page, "the LOADING pane", width)

    def test_password_shown_and_account_select_hint(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.to_credentials()
        link.fill("credential-username", "user_good")
        link.fill("credential-password", "pass_good")
        link.click("credential-password-toggle")
        assert_accessible(link, "CREDENTIAL", width)
        link.click("credential-submit")
        expect(link.frame.get_by_test_id("accounts-hint")).to_be_visible()
        assert_accessible(link, "SELECT_ACCOUNT", width)

    def test_privacy_policy_page(self, page: Page, gingham: LiveGingham, width: int) -> None:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{gingham.base_url}/link/v2/stable/privacy")
        assert_page_accessible(page, "the privacy policy", width)


@pytest.mark.parametrize("width", [1280, 375])
class TestSandboxBankPages:
    """The OAuth bank's own pages, which users see in the pop-up or the redirect."""

    def test_sign_in_consent_and_message_pages(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.click("consent-continue")
        link.click("institution-ins_127287")
        link.pane("OAUTH")
        with page.context.expect_page() as popup:
            link.click("oauth-continue")
        bank = popup.value
        bank.set_viewport_size({"width": width, "height": 800})
        expect(bank.get_by_test_id("bank-login")).to_be_visible()
        sign_in_url = bank.url
        assert_page_accessible(bank, "the bank's sign-in page", width)
        bank.get_by_test_id("bank-username").fill("user_good")
        bank.get_by_test_id("bank-login").click()
        expect(bank.get_by_test_id("bank-allow")).to_be_visible()
        assert_page_accessible(bank, "the bank's consent page", width)
        # The same sign-in link without its OAuth parameters: the bank's error page.
        bank.goto(sign_in_url.split("?")[0])
        expect(bank.get_by_test_id("bank-message")).to_be_visible()
        assert_page_accessible(bank, "the bank's error page", width)
        bank.close()
