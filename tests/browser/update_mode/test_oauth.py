"""Update mode at an OAuth bank in a real browser ("Updating Items via Link"): the user goes back
through the bank's pop-up to restore a consent they revoked, to grant a permission Product
Validations asks for, or to revoke access they shared before."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

PLATYPUS_OAUTH = "ins_127287"
NUMBERS = "Account and routing numbers"


def unique(prefix: str) -> str:
    """A client_user_id or bank username no other test of the shared live server uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def plaid_error(gingham: LiveGingham, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{gingham.base_url}{path}",
        json=body,
        headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": gingham.secret},
    )
    assert response.status_code >= 400, response.text
    error: dict[str, Any] = response.json()
    return error


def consent_at_bank(
    bank: Page,
    username: str,
    *,
    keep_masks: list[str] | None = None,
    drop_scopes: tuple[str, ...] = (),
    shot: str | None = None,
) -> None:
    """Sign in at the bank's pop-up and allow, with the accounts and data chosen."""
    bank.get_by_test_id("bank-username").fill(username)
    bank.get_by_test_id("bank-password").fill("anything")
    bank.get_by_test_id("bank-login").click()
    expect(bank.get_by_test_id("bank-allow")).to_be_visible()
    if keep_masks is not None:
        for checkbox in bank.locator('[data-testid^="account-"]').all():
            mask = (checkbox.get_attribute("data-testid") or "").removeprefix("account-")
            if (mask in keep_masks) != checkbox.is_checked():
                checkbox.click()
    for scope in drop_scopes:
        bank.get_by_test_id(f"scope-{scope}").uncheck()
    if shot:
        screenshot(bank, shot)
    bank.get_by_test_id("bank-allow").click()


def to_the_bank(link: LinkInBrowser) -> Page:
    """From the OAUTH pane, continue to the bank: its pop-up."""
    with link.page.context.expect_page() as popup_info:
        link.click("oauth-continue")
    return popup_info.value


def link_oauth_item(
    page: Page,
    app_origin: str,
    gingham: LiveGingham,
    username: str,
    *,
    products: list[str],
    keep_masks: list[str] | None = None,
    drop_scopes: tuple[str, ...] = (),
    webhook: str | None = None,
) -> tuple[str, str]:
    """A new Item at Platypus OAuth Bank, linked in the browser: (access_token, item_id)."""
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    extra: dict[str, Any] = {"webhook": webhook} if webhook else {}
    link.create(
        create_link_token(
            gingham,
            products=products,
            user={"client_user_id": unique("oauth-update")},
            **extra,
        )
    )
    link.open()
    link.pane("CONSENT")
    link.click("consent-continue")
    link.fill("search-input", "Platypus OAuth")
    link.click(f"institution-{PLATYPUS_OAUTH}")
    link.pane("OAUTH")
    consent_at_bank(to_the_bank(link), username, keep_masks=keep_masks, drop_scopes=drop_scopes)
    link.pane("CONNECTED")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    public_token, _ = terminal["args"]
    exchanged = plaid_post(gingham, "/item/public_token/exchange", {"public_token": public_token})
    return exchanged["access_token"], exchanged["item_id"]


def open_update_mode(
    page: Page, app_origin: str, gingham: LiveGingham, access_token: str, **fields: Any
) -> LinkInBrowser:
    """Link in update mode for the Item, on a freshly loaded app page, at its CONSENT pane."""
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    token_fields: dict[str, Any] = {"products": None, **fields}
    link.create(
        create_link_token(
            gingham,
            access_token=access_token,
            user={"client_user_id": unique("oauth-update")},
            **token_fields,
        )
    )
    link.open()
    link.pane("CONSENT")
    return link


def expect_permissions_card(link: LinkInBrowser, *permissions: str) -> None:
    """The update-mode OAUTH pane: what to share at the bank, and no way back to the search."""
    card = link.frame.get_by_test_id("oauth-permissions")
    expect(card).to_be_visible()
    expect(card.locator("li")).to_have_text(list(permissions))
    expect(link.frame.locator('[data-view="OAUTH"]')).to_contain_text(
        "To keep Browser Test App working, share these at Platypus OAuth Bank"
    )
    expect(link.frame.get_by_test_id("oauth-back")).to_have_count(0)


def succeeded(link: LinkInBrowser) -> dict[str, Any]:
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    _public_token, metadata = terminal["args"]
    assert metadata["institution"]["institution_id"] == PLATYPUS_OAUTH
    opened = next(e for e in link.log() if e["kind"] == "event" and e["args"][0] == "OPEN")
    assert opened["args"][1]["is_update_mode"] == "true"
    result: dict[str, Any] = metadata
    return result


def test_restoring_a_consent_revoked_at_the_bank(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    username = unique("revoked")
    access_token, item_id = link_oauth_item(
        page,
        app_origin,
        gingham,
        username,
        products=["transactions", "auth"],
        webhook=f"{app_origin}/webhooks/plaid",
    )
    accounts = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]

    # The user withdraws the consent at the bank; Gingham notices within 48 hours.
    plaid_post(gingham, "/_gingham/bank/consent/revoke", {"access_token": access_token})
    plaid_post(gingham, "/_gingham/clock/advance", {"by": "PT48H"})
    error = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]["error"]
    assert (error["error_code"], error["error_code_reason"]) == (
        "ITEM_LOGIN_REQUIRED",
        "OAUTH_USER_REVOKED",
    )
    broken = plaid_error(gingham, "/accounts/get", {"access_token": access_token})
    assert broken["error_code"] == "ITEM_LOGIN_REQUIRED"
    events = plaid_post(gingham, "/_gingham/webhooks/list", {"item_id": item_id, "limit": 100})[
        "events"
    ]
    by_code = {(e["webhook_type"], e["webhook_code"]): e["payload"] for e in events}
    assert by_code[("ITEM", "USER_PERMISSION_REVOKED")]["error"]["error_code"] == (
        "USER_PERMISSION_REVOKED"
    )
    item_error = by_code[("ITEM", "ERROR")]["error"]
    assert (item_error["error_code"], item_error["error_code_reason"]) == (
        "ITEM_LOGIN_REQUIRED",
        "OAUTH_USER_REVOKED",
    )

    # Update mode: straight to the bank, which asks for the consent again.
    link = open_update_mode(page, app_origin, gingham, access_token)
    screenshot(page, "update-oauth-revoked-consent")
    link.click("consent-continue")
    link.pane("OAUTH", "update-oauth-revoked-oauth")
    expect_permissions_card(link, NUMBERS, "Transactions")
    consent_at_bank(to_the_bank(link), username, shot="update-oauth-revoked-bank")
    link.pane("CONNECTED", "update-oauth-revoked-connected")
    metadata = succeeded(link)
    assert [a["id"] for a in metadata["accounts"]] == [a["account_id"] for a in accounts]
    assert link.event_names() == [
        "OPEN",
        "TRANSITION_VIEW:OAUTH",
        "OPEN_OAUTH",
        "TRANSITION_VIEW:CONNECTED",
        "HANDOFF",
    ]

    item = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]
    assert (item["item_id"], item["error"]) == (item_id, None)
    after = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    assert [a["account_id"] for a in after] == [a["account_id"] for a in accounts]


def test_product_validations_send_the_user_back_to_the_bank_for_auth(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    username = unique("umpv")
    access_token, item_id = link_oauth_item(
        page, app_origin, gingham, username, products=["transactions"], drop_scopes=("auth",)
    )
    denied = plaid_error(gingham, "/auth/get", {"access_token": access_token})
    assert denied["error_code"] == "ACCESS_NOT_GRANTED"

    link = open_update_mode(page, app_origin, gingham, access_token, products=["auth"])
    link.click("consent-continue")
    link.pane("OAUTH", "update-oauth-umpv-oauth")
    expect_permissions_card(link, NUMBERS, "Transactions")

    # First trip: the user again leaves the numbers unticked.
    consent_at_bank(to_the_bank(link), username, drop_scopes=("auth",))
    link.pane("ERROR", "update-oauth-umpv-error")
    expect(link.frame.get_by_test_id("error-display")).to_contain_text(f"share: {NUMBERS}")
    expect(link.frame.get_by_test_id("error-code")).to_contain_text("ACCESS_NOT_GRANTED")

    # Second trip: shared.
    link.click("error-retry")
    link.pane("OAUTH")
    expect_permissions_card(link, NUMBERS, "Transactions")
    consent_at_bank(to_the_bank(link), username, shot="update-oauth-umpv-bank")
    link.pane("CONNECTED", "update-oauth-umpv-connected")
    succeeded(link)
    assert link.event_names().count("OPEN_OAUTH") == 2
    assert "ERROR" in link.event_names()

    item = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]
    assert (item["item_id"], item["error"]) == (item_id, None)
    numbers = plaid_post(gingham, "/auth/get", {"access_token": access_token})["numbers"]["ach"]
    assert numbers
    assert all(n["routing"] == "021400728" and n["account"] for n in numbers)


def test_revoking_an_account_and_auth_during_update_mode(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    username = unique("revoke-in-link")
    access_token, item_id = link_oauth_item(
        page,
        app_origin,
        gingham,
        username,
        products=["transactions", "auth"],
        keep_masks=["0000", "1111"],
    )
    before = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    assert [a["mask"] for a in before] == ["0000", "1111"]
    kept, dropped = (a["account_id"] for a in before)
    ach = plaid_post(gingham, "/auth/get", {"access_token": access_token})["numbers"]["ach"]
    assert {n["account_id"] for n in ach} == {kept, dropped}

    # Plain update mode: at the bank the user unticks one account and the numbers.
    link = open_update_mode(page, app_origin, gingham, access_token)
    link.click("consent-continue")
    link.pane("OAUTH", "update-oauth-revoke-oauth")
    expect_permissions_card(link, NUMBERS, "Transactions")
    consent_at_bank(
        to_the_bank(link),
        username,
        keep_masks=["0000"],
        drop_scopes=("auth",),
        shot="update-oauth-revoke-bank",
    )
    link.pane("CONNECTED", "update-oauth-revoke-connected")
    metadata = succeeded(link)
    assert [a["id"] for a in metadata["accounts"]] == [kept]

    item = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]
    assert (item["item_id"], item["error"]) == (item_id, None)
    after = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    assert [a["account_id"] for a in after] == [kept]
    denied = plaid_error(gingham, "/auth/get", {"access_token": access_token})
    assert denied["error_code"] == "ACCESS_NOT_GRANTED"
