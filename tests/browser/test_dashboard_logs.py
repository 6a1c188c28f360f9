"""The dashboard's logs in Chromium: a webhook fired at the client's inbox appears in the Webhook
inbox and in Webhooks, is redelivered from there, and an API request appears in API requests and
opens — each page passing axe at 1280 and 375 pixels wide and working by keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.dashboard_pages import (
    PHONE,
    WIDE,
    assert_accessible,
    assert_fits,
    go_to,
    notice,
    ok,
    open_page,
    sign_in,
)
from tests.live_server import LiveGingham, live_gingham_on

# htmx refreshes the lists every few seconds.
LIVE = 20_000


@pytest.fixture(scope="module")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    """A server of these tests' own, delivering webhooks to its own inbox."""
    with live_gingham_on("sqlite", tmp_path_factory, client_name="Dashboard logs") as server:
        yield server


def inbox_url(gingham: LiveGingham) -> str:
    url: str = ok(gingham, "/_gingham/webhook_inbox/get", {})["url"]
    return url


def link_item(gingham: LiveGingham, webhook: str) -> tuple[str, str]:
    """(access_token, item_id) of a new Item at First Platypus Bank."""
    public_token = ok(
        gingham,
        "/sandbox/public_token/create",
        {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {"webhook": webhook},
        },
    )["public_token"]
    exchanged = ok(gingham, "/item/public_token/exchange", {"public_token": public_token})
    return exchanged["access_token"], exchanged["item_id"]


def fire(gingham: LiveGingham, access_token: str, code: str = "DEFAULT_UPDATE") -> None:
    ok(
        gingham,
        "/sandbox/item/fire_webhook",
        {"access_token": access_token, "webhook_code": code},
    )


def assert_accessible_and_fits(page: Page, where: str) -> None:
    assert_accessible(page, where)
    assert_fits(page, where)


@pytest.fixture
def wide(browser: Browser, gingham: LiveGingham) -> Iterator[Page]:
    page = open_page(browser, WIDE)
    sign_in(page, gingham)
    yield page
    page.context.close()


class TestAWebhookToTheInbox:
    def test_appears_in_the_inbox_and_in_webhooks_and_is_redelivered(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        url = inbox_url(gingham)
        access_token, item_id = link_item(gingham, url)
        go_to(wide, "Webhook inbox")
        expect(wide.get_by_test_id("inbox-url")).to_have_value(url)
        fire(gingham, access_token, "DEFAULT_UPDATE")
        arrived = (
            wide.get_by_test_id("inbox-messages").locator("li").filter(has_text="DEFAULT_UPDATE")
        )
        expect(arrived).to_have_count(1, timeout=LIVE)
        expect(arrived).to_contain_text("Verified")
        expect(arrived).to_contain_text(item_id)
        screenshot(wide, "dashboard-inbox-received")

        go_to(wide, "Webhooks")
        # Filtered by keyboard: the Item's id, then Enter.
        wide.get_by_label("Webhook code").fill("DEFAULT_UPDATE")
        wide.get_by_label("Item id").fill(item_id)
        wide.get_by_label("Item id").press("Enter")
        delivery = wide.get_by_role("link", name="TRANSACTIONS · DEFAULT_UPDATE")
        expect(delivery).to_have_count(1)
        expect(wide.get_by_test_id("webhooks-table")).to_contain_text("Delivered", timeout=LIVE)
        delivery.click()
        expect(wide.get_by_test_id("webhook-body")).to_contain_text(item_id)
        attempts = wide.get_by_test_id("attempts")
        expect(attempts).to_contain_text("HTTP 200")
        # The JWT itself is shown, as the receiver got it.
        expect(attempts.locator("code").filter(has_text="eyJ")).to_have_count(1)
        screenshot(wide, "dashboard-webhook-delivered")

        wide.get_by_role("button", name="Redeliver").focus()
        wide.keyboard.press("Enter")
        expect(notice(wide)).to_contain_text("Attempt 2 is on its way")
        expect(attempts.get_by_role("heading", name="Attempt 2")).to_contain_text(
            "Delivered", timeout=LIVE
        )
        expect(attempts.locator("code").filter(has_text="eyJ")).to_have_count(2)
        go_to(wide, "Webhook inbox")
        expect(arrived).to_have_count(2, timeout=LIVE)


class TestAnApiRequest:
    def test_appears_live_and_opens_with_its_bodies_redacted(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        access_token, item_id = link_item(gingham, "https://app.example.com/hook")
        go_to(wide, "API requests")
        request_id = httpx.post(
            f"{gingham.base_url}/item/get",
            json={"access_token": access_token},
            headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": gingham.secret},
        ).json()["request_id"]
        row = wide.get_by_role("link", name=request_id)
        expect(row).to_be_visible(timeout=LIVE)
        screenshot(wide, "dashboard-requests")
        row.focus()
        wide.keyboard.press("Enter")
        expect(wide.get_by_test_id("request-id")).to_have_text(request_id)
        expect(wide.get_by_test_id("request-body")).to_contain_text(
            f"access-sandbox-****{access_token[-4:]}"
        )
        expect(wide.get_by_test_id("response-body")).to_contain_text(item_id)
        assert access_token not in wide.content() and gingham.secret not in wide.content()
        screenshot(wide, "dashboard-request-detail")

    def test_a_search_by_status_finds_the_failed_one(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        response = httpx.post(
            f"{gingham.base_url}/item/get",
            json={"access_token": "access-sandbox-nonsense"},
            headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": gingham.secret},
        )
        go_to(wide, "API requests")
        wide.get_by_label("Status").fill("400")
        wide.get_by_label("Status").press("Enter")
        expect(wide.get_by_role("link", name=response.json()["request_id"])).to_be_visible(
            timeout=LIVE
        )
        expect(wide.get_by_test_id("requests-table")).not_to_contain_text("/link/token/create")


class TestRemovingAnItem:
    def test_needs_its_box_ticked_by_keyboard(self, wide: Page, gingham: LiveGingham) -> None:
        access_token, item_id = link_item(gingham, "https://app.example.com/hook")
        wide.goto(f"{gingham.base_url}/dashboard/items/{item_id}")
        box = wide.get_by_label("I understand the Item and its access tokens stop working")
        button = wide.get_by_role("button", name="Remove Item")
        button.focus()
        wide.keyboard.press("Enter")
        # The browser holds the form back until the box is ticked.
        expect(box).to_be_focused()
        expect(wide).to_have_url(f"{gingham.base_url}/dashboard/items/{item_id}")
        screenshot(wide, "dashboard-item-remove-unconfirmed")
        wide.keyboard.press("Space")
        expect(box).to_be_checked()
        wide.keyboard.press("Tab")
        expect(button).to_be_focused()
        wide.keyboard.press("Enter")
        expect(notice(wide)).to_contain_text(f"Item {item_id} was removed")
        removed = httpx.post(
            f"{gingham.base_url}/item/get",
            json={"access_token": access_token},
            headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": gingham.secret},
        )
        assert removed.status_code == 400


class TestEveryPage:
    @pytest.mark.parametrize(("size", "viewport"), [("wide", WIDE), ("phone", PHONE)])
    def test_each_page_is_accessible_and_fits(
        self, browser: Browser, gingham: LiveGingham, size: str, viewport: dict[str, int]
    ) -> None:
        access_token, _ = link_item(gingham, inbox_url(gingham))
        fire(gingham, access_token, "SYNC_UPDATES_AVAILABLE")
        [event, *_] = ok(gingham, "/_gingham/webhooks/list", {"limit": 1})["events"]
        page = open_page(browser, viewport)
        sign_in(page, gingham)
        page.goto(f"{gingham.base_url}/dashboard/requests")
        request_link = page.get_by_test_id("requests-table").get_by_role("link").first
        expect(request_link).to_be_visible(timeout=LIVE)
        request_path = request_link.get_attribute("href")
        pages = {
            "webhooks": "/dashboard/webhooks",
            "webhook": f"/dashboard/webhooks/{event['event_id']}",
            "requests": "/dashboard/requests",
            "request": request_path,
            "inbox": "/dashboard/inbox",
        }
        for name, path in pages.items():
            page.goto(f"{gingham.base_url}{path}")
            expect(page.locator("h1")).to_be_visible()
            screenshot(page, f"dashboard-{name}-{size}")
            assert_accessible_and_fits(page, f"{name} ({size})")
        page.context.close()
