"""The developer dashboard in Chromium, page by page: signing in, keys, allow-lists, Items and
their actions, the sandbox clock and the institutions — each page passing axe at 1280 and 375
pixels wide, and each action done the way a developer would, by mouse or by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.dashboard_pages import (
    PHONE,
    WIDE,
    api,
    assert_accessible,
    assert_fits,
    go_to,
    notice,
    ok,
    open_page,
    sign_in,
)
from tests.live_server import LiveGingham, live_gingham_on

PAGES = {
    "overview": "/dashboard",
    "keys": "/dashboard/keys",
    "allowed": "/dashboard/allowed",
    "items": "/dashboard/items",
    "clock": "/dashboard/clock",
    "institutions": "/dashboard/institutions",
    "not-found": "/dashboard/no-such-page",
}


@pytest.fixture(scope="module")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    """A server of the dashboard's own: its tests rotate secrets, change bank passwords and move
    the clock, which no other browser test should see."""
    with live_gingham_on("sqlite", tmp_path_factory, client_name="Dashboard tests") as server:
        yield server


def link_item(gingham: LiveGingham, **options: Any) -> tuple[str, str]:
    """(access_token, item_id) of a new Item at First Platypus Bank with a webhook URL."""
    public_token = ok(
        gingham,
        "/sandbox/public_token/create",
        {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {"webhook": "https://app.example.com/plaid/webhooks", **options},
        },
    )["public_token"]
    exchanged = ok(gingham, "/item/public_token/exchange", {"public_token": public_token})
    return exchanged["access_token"], exchanged["item_id"]


@pytest.fixture
def wide(browser: Browser, gingham: LiveGingham) -> Iterator[Page]:
    page = open_page(browser, WIDE)
    sign_in(page, gingham)
    yield page
    page.context.close()


class TestSignIn:
    @pytest.mark.parametrize(("size", "viewport"), [("wide", WIDE), ("phone", PHONE)])
    def test_the_form_is_accessible(
        self, browser: Browser, gingham: LiveGingham, size: str, viewport: dict[str, int]
    ) -> None:
        page = open_page(browser, viewport)
        page.goto(f"{gingham.base_url}/dashboard/sign-in")
        expect(page.get_by_role("heading", name="Sign in to the dashboard")).to_be_visible()
        assert_accessible(page, f"the sign-in form ({size})")
        assert_fits(page, "the sign-in form")
        screenshot(page, f"dashboard-sign-in-{size}")
        page.context.close()

    def test_wrong_keys_are_refused_and_the_right_ones_open_it_by_keyboard(
        self, browser: Browser, gingham: LiveGingham
    ) -> None:
        page = open_page(browser, WIDE)
        page.goto(f"{gingham.base_url}/dashboard/sign-in")
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")
        expect(page.get_by_label("client_id")).to_be_focused()
        page.keyboard.type(gingham.client_id)
        page.keyboard.press("Tab")
        page.keyboard.type("0" * 30)
        page.keyboard.press("Enter")
        expect(notice(page)).to_contain_text("do not match")
        assert_accessible(page, "the refused sign-in")
        screenshot(page, "dashboard-sign-in-refused")
        page.get_by_label("secret").fill(gingham.secret)
        page.get_by_label("secret").press("Enter")
        expect(page.get_by_role("heading", name="Dashboard tests")).to_be_visible()
        # Signing out ends the session.
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(f"{gingham.base_url}/dashboard/sign-in")
        page.goto(f"{gingham.base_url}/dashboard/keys")
        expect(page).to_have_url(f"{gingham.base_url}/dashboard/sign-in")
        page.context.close()


class TestEveryPage:
    @pytest.mark.parametrize(("size", "viewport"), [("wide", WIDE), ("phone", PHONE)])
    def test_each_page_is_accessible_and_fits(
        self, browser: Browser, gingham: LiveGingham, size: str, viewport: dict[str, int]
    ) -> None:
        _, item_id = link_item(gingham)
        page = open_page(browser, viewport)
        sign_in(page, gingham)
        for name, path in {**PAGES, "item": f"/dashboard/items/{item_id}"}.items():
            page.goto(f"{gingham.base_url}{path}")
            expect(page.locator("h1")).to_be_visible()
            screenshot(page, f"dashboard-{name}-{size}")
            assert_accessible(page, f"{name} ({size})")
            assert_fits(page, f"{name} ({size})")
        page.context.close()

    def test_the_navigation_works_by_keyboard(self, wide: Page, gingham: LiveGingham) -> None:
        nav = wide.get_by_role("navigation", name="Dashboard")
        nav.get_by_role("link", name="Items").focus()
        wide.keyboard.press("Enter")
        expect(wide).to_have_url(f"{gingham.base_url}/dashboard/items")
        expect(nav.get_by_role("link", name="Items")).to_have_attribute("aria-current", "page")
        wide.keyboard.press("Tab")  # the skip link comes first on every page
        wide.keyboard.press("Enter")
        expect(wide.locator("main")).to_be_focused()


class TestKeys:
    def test_the_public_key_switches_reach_the_api(self, wide: Page, gingham: LiveGingham) -> None:
        go_to(wide, "Keys")
        sandbox = wide.get_by_test_id("switches-sandbox")
        sandbox.get_by_label("Link accepts the public key").uncheck()
        sandbox.get_by_role("button", name="Save sandbox").click()
        expect(notice(wide)).to_contain_text("Link off, API on")
        switches = ok(gingham, "/_gingham/client/public_key/get", {})["environments"]
        assert switches["sandbox"] == {"link": False, "api": True}
        expect(
            wide.get_by_test_id("switches-sandbox").get_by_label("Link accepts the public key")
        ).not_to_be_checked()
        wide.get_by_test_id("switches-sandbox").get_by_label("Link accepts the public key").check()
        wide.get_by_test_id("switches-sandbox").get_by_role("button", name="Save sandbox").click()
        expect(notice(wide)).to_contain_text("Link on, API on")

    def test_a_production_secret_is_shown_once(self, wide: Page, gingham: LiveGingham) -> None:
        go_to(wide, "Keys")
        wide.get_by_role("button", name="Create production secret").click()
        secret = wide.get_by_test_id("new-secret").inner_text()
        assert len(secret) == 30
        assert_accessible(wide, "the keys page with a new secret")
        screenshot(wide, "dashboard-keys-new-secret")
        wide.reload()
        expect(wide.get_by_test_id("new-secret")).to_have_count(0)
        assert secret not in wide.content()


class TestAllowLists:
    def test_a_redirect_uri_is_added_by_keyboard_and_removed(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        uri = "https://app.example.com/oauth-return.html"
        go_to(wide, "Redirect URIs & apps")
        wide.get_by_label("Redirect URI", exact=True).fill(uri)
        wide.get_by_label("Redirect URI", exact=True).press("Enter")
        expect(notice(wide)).to_contain_text(f"Redirect URI added: {uri}")
        assert ok(gingham, "/_gingham/client/redirect_uris/list", {})["redirect_uris"] == [uri]
        screenshot(wide, "dashboard-allowed-added")
        wide.get_by_role("button", name=f"Remove {uri}").click()
        expect(notice(wide)).to_contain_text("Redirect URI removed")
        assert ok(gingham, "/_gingham/client/redirect_uris/list", {})["redirect_uris"] == []

    def test_the_api_rules_answer_on_the_page(self, wide: Page, gingham: LiveGingham) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/allowed")
        wide.get_by_label("Redirect URI", exact=True).fill("http://app.example.com/oauth.html")
        wide.get_by_role("button", name="Add").first.click()
        expect(notice(wide)).to_contain_text("INVALID_FIELD")
        assert_accessible(wide, "a refused redirect URI")
        screenshot(wide, "dashboard-allowed-refused")
        wide.get_by_label("Android package name", exact=True).fill("com.example.app")
        wide.get_by_role("button", name="Add").nth(1).click()
        expect(notice(wide)).to_contain_text("Android package name added: com.example.app")
        listing = ok(gingham, "/_gingham/client/android_package_names/list", {})
        assert listing["android_package_names"] == ["com.example.app"]


class TestItems:
    def test_the_list_leads_to_the_item_and_its_accounts(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        access_token, item_id = link_item(gingham)
        go_to(wide, "Items")
        wide.get_by_role("link", name=item_id).click()
        expect(wide.get_by_test_id("item-status")).to_have_text("Healthy")
        expect(wide.get_by_test_id("item-webhook")).to_have_text(
            "https://app.example.com/plaid/webhooks"
        )
        accounts = ok(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
        for account in accounts:
            expect(wide.get_by_test_id("accounts-table")).to_contain_text(account["account_id"])

    def test_a_new_item_appears_in_the_open_list(self, wide: Page, gingham: LiveGingham) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/items")
        _, item_id = link_item(gingham)
        # htmx refreshes the table while the page is open.
        expect(wide.get_by_role("link", name=item_id)).to_be_visible(timeout=20_000)

    def test_reset_login_and_fire_a_webhook(self, wide: Page, gingham: LiveGingham) -> None:
        access_token, item_id = link_item(gingham)
        wide.goto(f"{gingham.base_url}/dashboard/items/{item_id}")
        wide.get_by_role("button", name="Reset login").click()
        expect(notice(wide)).to_contain_text("ITEM_LOGIN_REQUIRED")
        expect(wide.get_by_test_id("item-status")).to_have_text("ITEM_LOGIN_REQUIRED")
        item = ok(gingham, "/item/get", {"access_token": access_token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        wide.get_by_label("Fire a webhook").select_option("ITEM:LOGIN_REPAIRED")
        wide.get_by_role("button", name="Fire", exact=True).click()
        expect(notice(wide)).to_contain_text("ITEM LOGIN_REPAIRED is on its way")
        assert_accessible(wide, "an Item after its actions")
        screenshot(wide, "dashboard-item-actions")

    def test_a_refused_action_says_why(self, wide: Page, gingham: LiveGingham) -> None:
        _, item_id = link_item(gingham)
        wide.goto(f"{gingham.base_url}/dashboard/items/{item_id}")
        wide.get_by_label("Fire a webhook").select_option("ASSETS:PRODUCT_READY")
        wide.get_by_role("button", name="Fire", exact=True).click()
        expect(notice(wide)).to_contain_text("SANDBOX_PRODUCT_NOT_ENABLED")
        expect(notice(wide)).to_contain_text("needs the assets product")

    def test_open_an_account_at_the_bank(self, wide: Page, gingham: LiveGingham) -> None:
        _, item_id = link_item(gingham)
        wide.goto(f"{gingham.base_url}/dashboard/items/{item_id}")
        wide.get_by_label("Kind").select_option("savings")
        wide.get_by_role("button", name="Open account").click()
        expect(notice(wide)).to_contain_text("NEW_ACCOUNTS_AVAILABLE")

    def test_remove_the_item(self, wide: Page, gingham: LiveGingham) -> None:
        access_token, item_id = link_item(gingham)
        wide.goto(f"{gingham.base_url}/dashboard/items/{item_id}")
        wide.get_by_label("I understand the Item and its access tokens stop working").check()
        wide.get_by_role("button", name="Remove Item").click()
        expect(wide).to_have_url(f"{gingham.base_url}/dashboard/items")
        expect(notice(wide)).to_contain_text(f"Item {item_id} was removed")
        expect(wide.get_by_role("link", name=item_id)).to_have_count(0)
        assert api(gingham, "/item/get", {"access_token": access_token}).status_code == 400


class TestSandbox:
    def test_the_clock_advances_and_shows_its_timers(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        link_item(gingham)  # its initial transactions pull waits on a timer
        go_to(wide, "Sandbox clock")
        expect(wide.get_by_test_id("timers-table")).to_be_visible()
        before = ok(gingham, "/_gingham/clock/get", {})["offset_seconds"]
        wide.get_by_role("button", name="+ 1 day").click()
        expect(notice(wide)).to_contain_text("Advanced by P1D")
        wide.get_by_label("By an ISO 8601 duration").fill("PT36H")
        wide.get_by_label("By an ISO 8601 duration").press("Enter")
        expect(notice(wide)).to_contain_text("Advanced by PT36H")
        after = ok(gingham, "/_gingham/clock/get", {})
        assert after["offset_seconds"] == before + 86_400 + 36 * 3600
        expect(wide.get_by_test_id("clock-offset")).to_have_text(
            f"{after['offset_seconds']:,.0f} s"
        )
        screenshot(wide, "dashboard-clock-advanced")
        wide.get_by_label("By an ISO 8601 duration").fill("a week")
        wide.get_by_role("button", name="Advance", exact=True).click()
        expect(notice(wide)).to_contain_text("ISO 8601 duration")
        assert_accessible(wide, "a refused advance")

    def test_the_open_clock_page_follows_an_advance_made_elsewhere(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/clock")
        offset = ok(gingham, "/_gingham/clock/advance", {"by": "PT1H"})["offset_seconds"]
        expect(wide.get_by_test_id("clock-offset")).to_have_text(f"{offset:,.0f} s", timeout=20_000)

    def test_an_institution_is_set_down_and_healthy_again(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        go_to(wide, "Institutions")
        row = wide.get_by_test_id("institution-ins_109508")
        row.get_by_label("Status of First Platypus Bank", exact=True).select_option("DOWN")
        row.get_by_role("button", name="Set status of First Platypus Bank").click()
        expect(notice(wide)).to_contain_text("First Platypus Bank is now down")
        body = {
            "institution_id": "ins_109508",
            "country_codes": ["US"],
            "options": {"include_status": True},
        }
        status = ok(gingham, "/institutions/get_by_id", body)["institution"]["status"]
        assert status["item_logins"]["status"] == "DOWN"
        screenshot(wide, "dashboard-institutions-down")
        row = wide.get_by_test_id("institution-ins_109508")
        row.get_by_label("Status of First Platypus Bank", exact=True).select_option("HEALTHY")
        row.get_by_role("button", name="Set status of First Platypus Bank").click()
        expect(notice(wide)).to_contain_text("First Platypus Bank is now healthy")


class TestLast:
    """What changes the module's server for good: the bank's password, then the secret."""

    def test_change_the_password_at_the_bank(self, wide: Page, gingham: LiveGingham) -> None:
        access_token, item_id = link_item(gingham)
        wide.goto(f"{gingham.base_url}/dashboard/items/{item_id}")
        wide.get_by_label("New password").fill("a-new-password")
        wide.get_by_role("button", name="Change password").click()
        expect(notice(wide)).to_contain_text("The password changed at the bank")
        expect(wide.get_by_test_id("item-status")).to_have_text("ITEM_LOGIN_REQUIRED")
        item = ok(gingham, "/item/get", {"access_token": access_token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_rotating_the_sandbox_secret(self, wide: Page, gingham: LiveGingham) -> None:
        go_to(wide, "Keys")
        wide.get_by_role("button", name="Rotate sandbox secret").click()
        expect(notice(wide)).to_contain_text("The old one no longer works")
        secret = wide.get_by_test_id("new-secret").inner_text()
        assert api(gingham, "/_gingham/clock/get", {}).status_code == 400
        assert api(gingham, "/_gingham/clock/get", {}, secret=secret).status_code == 200
        # This browser carries on; a new one signs in with the new secret.
        go_to(wide, "Items")
        expect(wide.get_by_role("heading", name="Items")).to_be_visible()
