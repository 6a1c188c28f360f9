"""Update mode for consent in a real browser (Plaid's "Updating Items via Link"): renewing a Data
Transparency Messaging Item's consent before and after it expires, adding a consented product,
Update Mode with Product Validations for Auth, and adding Assets.

Each test starts from the Item the guide describes, made without a browser, and checks the Item
the guide promises through the API afterwards.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from gingham.wire.json import parse_datetime
from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham, free_port, live_gingham_on

# A credential bank and its good login (Plaid's user_good account set).
BANK = "ins_109508"
CONSENT_LIFETIME = timedelta(days=365)


# --- the app's side: Items, customizations, the sandbox clock and webhooks ----------------------


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def plaid_error(gingham: LiveGingham, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A call that must fail: Plaid's error body."""
    response = httpx.post(
        f"{gingham.base_url}{path}",
        json=body,
        headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": gingham.secret},
    )
    assert response.status_code >= 400, response.text
    error: dict[str, Any] = response.json()
    return error


def dtm_customization(gingham: LiveGingham, use_cases: list[str]) -> str:
    """A Link customization with Data Transparency Messaging; returns its (unique) name."""
    name = unique("dtm")
    plaid_post(
        gingham,
        "/_gingham/link_customizations/save",
        {
            "name": name,
            "data_transparency_messaging": {"enabled": True, "use_cases": use_cases},
        },
    )
    return name


def linked_item(
    gingham: LiveGingham,
    *,
    products: list[str],
    customization: str | None = None,
    account_masks: list[str] | None = None,
    webhook: str | None = None,
) -> tuple[str, str]:
    """An Item at BANK linked without a browser: (item_id, access_token)."""
    fields: dict[str, Any] = {"user": {"client_user_id": unique("consent-user")}}
    if customization is not None:
        fields["link_customization_name"] = customization
    if webhook is not None:
        fields["webhook"] = webhook
    token = create_link_token(gingham, products=products, **fields)
    complete: dict[str, Any] = {"link_token": token, "institution_id": BANK}
    if account_masks is not None:
        complete["account_masks"] = account_masks
    done = plaid_post(gingham, "/_gingham/link/complete", complete)
    assert done["status"] == "SUCCESS", done
    exchanged = plaid_post(
        gingham, "/item/public_token/exchange", {"public_token": done["public_token"]}
    )
    return exchanged["item_id"], exchanged["access_token"]


def update_token(gingham: LiveGingham, access_token: str, **fields: Any) -> str:
    """A link token for update mode on the Item of `access_token`."""
    fields.setdefault("products", None)
    return create_link_token(
        gingham,
        access_token=access_token,
        user={"client_user_id": unique("consent-user")},
        **fields,
    )


def item_of(gingham: LiveGingham, access_token: str) -> dict[str, Any]:
    item: dict[str, Any] = plaid_post(gingham, "/item/get", {"access_token": access_token})["item"]
    return item


def client_now(gingham: LiveGingham) -> datetime:
    """The client's sandbox clock, to the second (as the API's timestamps are)."""
    return parse_datetime(plaid_post(gingham, "/_gingham/clock/get", {})["now"])


def advance_clock(gingham: LiveGingham, by: str) -> None:
    plaid_post(gingham, "/_gingham/clock/advance", {"by": by})


def webhook_codes(gingham: LiveGingham, item_id: str) -> list[str]:
    """The Item's webhooks in the delivery log, oldest first, as TYPE:CODE."""
    events = plaid_post(gingham, "/_gingham/webhooks/list", {"item_id": item_id})["events"]
    return [f"{e['webhook_type']}:{e['webhook_code']}" for e in reversed(events)]


def assert_renewed(item: dict[str, Any], started: datetime, finished: datetime) -> None:
    """The Item's consent now runs for 12 months from when the user renewed it."""
    expires = parse_datetime(item["consent_expiration_time"])
    assert started + CONSENT_LIFETIME <= expires <= finished + CONSENT_LIFETIME, (
        started,
        expires,
        finished,
    )


class _Receiver(BaseHTTPRequestHandler):
    """The app's webhook endpoint: takes every delivery."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    """A server of this module's own: these tests move the client's sandbox clock years ahead,
    which no other browser test should have to live with."""
    with live_gingham_on("sqlite", tmp_path_factory, client_name="browser-consent") as server:
        yield server


@pytest.fixture(scope="module")
def webhook_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/plaid/webhook"
    server.shutdown()
    server.server_close()


# --- Renewing consent ---------------------------------------------------------------------------

USE_CASES = ["Track your spending across accounts", "Send you a monthly budget summary"]


def shared_accounts(gingham: LiveGingham, access_token: str) -> list[str]:
    """The Item's accounts as the review pane lists them."""
    accounts = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    return [f"{a['name']} ••{a['mask']}" for a in accounts]


def renew_in_browser(
    link: LinkInBrowser, gingham: LiveGingham, access_token: str, accounts: list[str], shots: str
) -> tuple[datetime, datetime]:
    """Update mode on a DTM Item whose consent needs renewing: the user reviews what they share
    (`accounts`, as shared_accounts lists them), renews it and signs in again. Returns the
    client's time just before and after."""
    link.load_app()
    link.create(update_token(gingham, access_token))
    link.open()
    link.pane("CONSENT", f"{shots}-consent")
    # Nothing new is asked for: only renewal.
    expect(link.frame.get_by_test_id("consent-products")).to_have_count(0)
    link.click("consent-continue")

    link.pane("DATA_TRANSPARENCY_CONSENT")
    review = link.frame.locator('[data-view="DATA_TRANSPARENCY_CONSENT"]')
    expect(review).to_contain_text("needs renewing")
    expect(link.frame.get_by_test_id("review-accounts").locator("li")).to_have_text(accounts)
    expect(link.frame.get_by_test_id("review-data").locator("li")).to_have_text(
        ["Account names, types and balances", "Transactions"]
    )
    expect(link.frame.get_by_test_id("review-use-cases").locator("li")).to_have_text(USE_CASES)
    screenshot(link.page, f"{shots}-review")
    link.frame.get_by_test_id("review-use-cases").scroll_into_view_if_needed()
    screenshot(link.page, f"{shots}-review-use-cases")
    link.click("review-continue")

    link.pane("CREDENTIAL", f"{shots}-credential")
    expect(link.frame.locator('[data-view="CREDENTIAL"]')).to_contain_text(
        "Log in at First Platypus Bank"
    )
    started = client_now(gingham)
    link.submit_credentials()
    link.pane("CONNECTED", f"{shots}-connected")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    finished = client_now(gingham)

    assert terminal["kind"] == "success", terminal
    _, metadata = terminal["args"]
    assert metadata["institution"]["institution_id"] == BANK
    assert [f"{a['name']} ••{a['mask']}" for a in metadata["accounts"]] == accounts
    assert link.event_names() == [
        "OPEN",
        "TRANSITION_VIEW:DATA_TRANSPARENCY_CONSENT",
        "TRANSITION_VIEW:CREDENTIAL",
        "SUBMIT_CREDENTIALS",
        "TRANSITION_VIEW:LOADING",
        "TRANSITION_VIEW:CONNECTED",
        "HANDOFF",
    ]
    return started, finished


def test_update_mode_renews_consent_expiring_within_six_months(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    customization = dtm_customization(gingham, USE_CASES)
    item_id, access_token = linked_item(
        gingham, products=["transactions"], customization=customization
    )
    linked = item_of(gingham, access_token)
    first_expiry = parse_datetime(linked["consent_expiration_time"])
    assert first_expiry == parse_datetime(linked["created_at"]) + CONSENT_LIFETIME
    assert linked["consented_use_cases"] == USE_CASES

    accounts = shared_accounts(gingham, access_token)

    # 200 days on, the consent expires in 165: within six months, so update mode renews it.
    advance_clock(gingham, "P200D")
    assert item_of(gingham, access_token)["error"] is None
    assert first_expiry - client_now(gingham) < timedelta(days=183)

    link = LinkInBrowser(page, app_origin, gingham)
    started, finished = renew_in_browser(
        link, gingham, access_token, accounts, "update-consent-renew"
    )

    renewed = item_of(gingham, access_token)
    assert renewed["item_id"] == item_id  # the same Item, through the same access_token
    assert renewed["error"] is None
    assert_renewed(renewed, started, finished)
    assert renewed["consented_use_cases"] == USE_CASES
    assert renewed["billed_products"] == ["transactions"]


def test_update_mode_repairs_and_renews_expired_consent(
    page: Page, app_origin: str, gingham: LiveGingham, webhook_url: str
) -> None:
    customization = dtm_customization(gingham, USE_CASES)
    item_id, access_token = linked_item(
        gingham, products=["transactions"], customization=customization, webhook=webhook_url
    )
    accounts = shared_accounts(gingham, access_token)

    # A year and a day on, the consent has expired: the Item needs its user back.
    advance_clock(gingham, "P366D")
    expired = item_of(gingham, access_token)
    assert expired["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
    assert plaid_error(gingham, "/accounts/get", {"access_token": access_token})["error_code"] == (
        "ITEM_LOGIN_REQUIRED"
    )
    codes = webhook_codes(gingham, item_id)
    assert "ITEM:PENDING_DISCONNECT" in codes  # a week ahead
    assert codes[-1] == "ITEM:ERROR"

    link = LinkInBrowser(page, app_origin, gingham)
    started, finished = renew_in_browser(
        link, gingham, access_token, accounts, "update-consent-expired"
    )

    repaired = item_of(gingham, access_token)
    assert repaired["item_id"] == item_id
    assert repaired["error"] is None
    assert_renewed(repaired, started, finished)
    assert shared_accounts(gingham, access_token) == accounts  # served again


# --- Requesting additional consented products ---------------------------------------------------


def test_additional_consented_products_adds_auth_consent(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    original = ["Track your spending across accounts"]
    broadened = [*original, "Pay your bills from your bank account"]
    item_id, access_token = linked_item(
        gingham, products=["transactions"], customization=dtm_customization(gingham, original)
    )
    error = plaid_error(gingham, "/auth/get", {"access_token": access_token})
    assert error["error_code"] == "ADDITIONAL_CONSENT_REQUIRED"

    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(
        update_token(
            gingham,
            access_token,
            additional_consented_products=["auth"],
            link_customization_name=dtm_customization(gingham, broadened),
        )
    )
    link.open()
    link.pane("CONSENT", "update-consent-auth-consent")
    expect(link.frame.get_by_test_id("consent-products").locator("li")).to_have_text(
        ["Account and routing numbers"]
    )
    use_cases = link.frame.get_by_test_id("consent-use-cases")
    expect(use_cases.locator("li")).to_have_text(broadened)
    use_cases.scroll_into_view_if_needed()
    screenshot(page, "update-consent-auth-use-cases")
    link.click("consent-continue")
    link.pane("CREDENTIAL", "update-consent-auth-credential")
    link.submit_credentials()
    link.pane("CONNECTED", "update-consent-auth-connected")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    assert "TRANSITION_VIEW:DATA_TRANSPARENCY_CONSENT" not in link.event_names()

    item = item_of(gingham, access_token)
    assert item["item_id"] == item_id
    assert "auth" in item["consented_products"]
    assert "auth" not in item["billed_products"]  # billed once /auth/get is first called
    assert item["consented_use_cases"] == broadened

    auth = plaid_post(gingham, "/auth/get", {"access_token": access_token})
    checking = next(a for a in auth["accounts"] if a["mask"] == "0000")
    [numbers] = [n for n in auth["numbers"]["ach"] if n["account_id"] == checking["account_id"]]
    assert numbers["account"].endswith("0000")
    assert "auth" in item_of(gingham, access_token)["billed_products"]


# --- Update Mode with Product Validations -------------------------------------------------------


def test_product_validations_require_an_auth_account(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    # The user shared only their credit card.
    item_id, access_token = linked_item(gingham, products=["transactions"], account_masks=["3333"])
    error = plaid_error(gingham, "/auth/get", {"access_token": access_token})
    assert error["error_code"] == "NO_AUTH_ACCOUNTS"

    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(update_token(gingham, access_token, products=["auth"]))
    link.open()
    link.pane("CONSENT", "update-consent-umpv-consent")
    link.click("consent-continue")
    link.pane("CREDENTIAL", "update-consent-umpv-credential")
    link.submit_credentials()

    # Account Select appears by itself (NO_AUTH_ACCOUNTS), the shared card ticked.
    link.pane("SELECT_ACCOUNT", "update-consent-umpv-select-account")
    rows = link.frame.locator("label.account")
    card = rows.filter(has_text="Plaid Credit Card").locator("input")
    checking = rows.filter(has_text="Plaid Checking").locator("input")
    expect(card).to_be_checked()
    expect(checking).not_to_be_checked()
    expect(link.frame.locator("input[name=account]:checked")).to_have_count(1)

    # Only the card: Link explains and stays here.
    link.click("accounts-continue")
    expect(link.frame.get_by_test_id("error-message")).to_contain_text("checking or savings")
    link.pane("SELECT_ACCOUNT", "update-consent-umpv-select-account-error")
    expect(link.frame.get_by_test_id("accounts-continue")).to_be_enabled()
    assert not [e for e in link.log() if e["kind"] in ("success", "exit")]

    checking.check()
    expect(card).to_be_checked()
    link.click("accounts-continue")
    link.pane("CONNECTED", "update-consent-umpv-connected")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    _, metadata = terminal["args"]
    assert sorted(a["mask"] for a in metadata["accounts"]) == ["0000", "3333"]
    names = link.event_names()
    assert names.count("TRANSITION_VIEW:SELECT_ACCOUNT") == 2
    errors = [e["args"][1] for e in link.log() if e["kind"] == "event" and e["args"][0] == "ERROR"]
    assert [e["error_code"] for e in errors] == ["NO_AUTH_ACCOUNTS"]

    assert item_of(gingham, access_token)["item_id"] == item_id
    shared = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    by_mask = {a["mask"]: a["account_id"] for a in shared}
    assert set(by_mask) == {"0000", "3333"}
    auth = plaid_post(gingham, "/auth/get", {"access_token": access_token})
    [numbers] = auth["numbers"]["ach"]
    assert numbers["account_id"] == by_mask["0000"]
    assert numbers["account"].endswith("0000")


# --- Adding Assets ------------------------------------------------------------------------------


def test_adding_assets_to_a_recent_item_needs_only_consent(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    item_id, access_token = linked_item(gingham, products=["transactions"])
    assert "assets" not in item_of(gingham, access_token)["billed_products"]

    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(update_token(gingham, access_token, products=["assets"]))
    link.open()
    link.pane("CONSENT", "update-consent-assets-consent")
    consent = link.frame.get_by_test_id("product-consent-assets")
    expect(consent).to_contain_text("a report of your account balances")
    consent.scroll_into_view_if_needed()
    screenshot(page, "update-consent-assets-product-consent")
    expect(link.frame.get_by_test_id("consent-products").locator("li")).to_have_text(["Assets"])
    link.click("consent-continue")
    # Linked less than two years ago: no signing in again.
    link.pane("CONNECTED", "update-consent-assets-connected")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    assert link.event_names() == [
        "OPEN",
        "TRANSITION_VIEW:LOADING",
        "TRANSITION_VIEW:CONNECTED",
        "HANDOFF",
    ]

    item = item_of(gingham, access_token)
    assert item["item_id"] == item_id
    assert sorted(item["billed_products"]) == ["assets", "transactions"]
    assert "assets" in item["consented_products"]


def test_adding_assets_to_an_item_over_two_years_old_signs_in_again(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    item_id, access_token = linked_item(gingham, products=["transactions"])
    # Two years and a day on (one advance covers two years at most).
    advance_clock(gingham, "P365D")
    advance_clock(gingham, "P366D")

    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(update_token(gingham, access_token, products=["assets"]))
    link.open()
    link.pane("CONSENT", "update-consent-old-assets-consent")
    expect(link.frame.get_by_test_id("product-consent-assets")).to_be_visible()
    link.click("consent-continue")
    link.pane("CREDENTIAL", "update-consent-old-assets-credential")
    link.submit_credentials()
    link.pane("CONNECTED", "update-consent-old-assets-connected")
    link.click("connected-continue")
    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success", terminal
    assert "SUBMIT_CREDENTIALS" in link.event_names()

    item = item_of(gingham, access_token)
    assert item["item_id"] == item_id
    assert sorted(item["billed_products"]) == ["assets", "transactions"]
