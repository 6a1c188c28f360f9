"""The demo app on Gingham's start page, as a newcomer uses it after `./dev serve`."""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

DEFAULT_PRODUCTS = ("transactions", "auth", "identity", "investments", "liabilities")


def choose_products(page: Page, products: Sequence[str]) -> None:
    for box in page.get_by_test_id("demo-products").get_by_role("checkbox").all():
        box.set_checked(box.get_attribute("value") in products)


def start_demo(
    page: Page, gingham: LiveGingham, products: Sequence[str] = DEFAULT_PRODUCTS
) -> LinkInBrowser:
    page.goto(f"{gingham.base_url}/")
    expect(page.get_by_role("heading", name="Try it: a demo app")).to_be_visible()
    choose_products(page, products)
    page.get_by_test_id("demo-link").click()
    # The demo page is itself the app here, so its handler's frame is the first on the page.
    link = LinkInBrowser(page, gingham.base_url, gingham)
    link.to_credentials()
    return link


class TestDemoApp:
    def test_user_good_links_and_the_accounts_are_shown(
        self, page: Page, gingham: LiveGingham
    ) -> None:
        link = start_demo(page, gingham, ["transactions"])
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        link.frame.locator('[data-testid^="account-"]').nth(0).click()
        link.frame.locator('[data-testid^="account-"]').nth(1).click()
        link.click("accounts-continue")
        link.click("connected-continue")
        accounts = page.get_by_test_id("demo-accounts")
        expect(accounts).to_be_visible()
        expect(accounts.locator("tbody tr")).to_have_count(2)
        expect(accounts).to_contain_text("Plaid Checking")
        events = page.get_by_test_id("demo-events")
        expect(events).to_contain_text("OPEN")
        expect(events).to_contain_text("HANDOFF")
        expect(events).to_contain_text("onSuccess")
        screenshot(page, "demo-linked")

    def test_an_mfa_user(self, page: Page, gingham: LiveGingham) -> None:
        link = start_demo(page, gingham, ["auth"])
        link.submit_credentials("mfa_questions_1_1")
        link.pane("MFA")
        link.fill("mfa-answer-0", "answer_0_0")
        link.click("mfa-submit")
        link.pane("SELECT_ACCOUNT")
        link.frame.locator('[data-testid^="account-"]').first.click()
        link.click("accounts-continue")
        link.click("connected-continue")
        expect(page.get_by_test_id("demo-accounts").locator("tbody tr")).to_have_count(1)
        expect(page.get_by_test_id("demo-events")).to_contain_text("SUBMIT_MFA")

    def test_a_failing_user_is_reported(self, page: Page, gingham: LiveGingham) -> None:
        link = start_demo(page, gingham)
        link.submit_credentials("error_INSTITUTION_NOT_RESPONDING")
        link.pane("ERROR")
        link.click("error-exit")
        link.click("exit-confirm")
        expect(page.get_by_test_id("demo-status")).to_contain_text("INSTITUTION_NOT_RESPONDING")
        expect(page.get_by_test_id("demo-events")).to_contain_text("onExit")
        screenshot(page, "demo-failed")

    def test_start_page_is_readable_on_a_phone(self, page: Page, gingham: LiveGingham) -> None:
        page.set_viewport_size({"width": 375, "height": 740})
        link = start_demo(page, gingham)
        screenshot(page, "demo-375-credential")
        box = link.frame.locator('[data-view="CREDENTIAL"]').bounding_box()
        assert box is not None and box["width"] <= 375


WEBVIEW_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 10; SM-G960F Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/95.0.4638.50 Mobile Safari/537.36"
)


def bank_consent(bank: Page) -> None:
    bank.get_by_test_id("bank-username").fill("demo")
    bank.get_by_test_id("bank-login").click()
    bank.get_by_test_id("bank-allow").click()


def demo_to_oauth(page: Page, gingham: LiveGingham) -> LinkInBrowser:
    page.goto(f"{gingham.base_url}/")
    page.get_by_test_id("demo-link").click()
    link = LinkInBrowser(page, gingham.base_url, gingham)
    link.pane("CONSENT")
    link.click("consent-continue")
    link.fill("search-input", "Platypus OAuth")
    link.click("institution-ins_127287")
    link.pane("OAUTH")
    return link


class TestDemoOAuth:
    def test_platypus_oauth_bank_through_the_popup(self, page: Page, gingham: LiveGingham) -> None:
        link = demo_to_oauth(page, gingham)
        with page.context.expect_page() as popup:
            link.click("oauth-continue")
        bank_consent(popup.value)
        link.pane("CONNECTED")
        link.click("connected-continue")
        expect(page.get_by_test_id("demo-accounts")).to_contain_text("Plaid Checking")
        expect(page.get_by_test_id("demo-events")).to_contain_text("OPEN_OAUTH")

    def test_redirect_flow_in_a_webview(self, browser: Browser, gingham: LiveGingham) -> None:
        context = browser.new_context(
            user_agent=WEBVIEW_USER_AGENT, viewport={"width": 412, "height": 860}
        )
        try:
            page = context.new_page()
            link = demo_to_oauth(page, gingham)
            link.click("oauth-continue")
            bank_consent(page)
            page.wait_for_url(f"{gingham.base_url}/?oauth_state_id=*")
            link.pane("CONNECTED")
            link.click("connected-continue")
            expect(page.get_by_test_id("demo-accounts")).to_contain_text("Plaid Checking")
            screenshot(page, "demo-oauth-redirect")
        finally:
            context.close()
