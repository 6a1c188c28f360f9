"""Update mode for a user (`update.user`) in a real browser: Link goes straight to the user's
most recently broken Item and repairs it."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import plaid_post
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

UPDATE_MODE_EVENTS = [
    "OPEN",
    "TRANSITION_VIEW:CREDENTIAL",
    "SUBMIT_CREDENTIALS",
    "TRANSITION_VIEW:LOADING",
    "TRANSITION_VIEW:CONNECTED",
    "HANDOFF",
]


def link_token_body(user_token: str, **fields: object) -> dict[str, object]:
    return {
        "client_name": "Browser Test App",
        "language": "en",
        "country_codes": ["US"],
        "user": {"client_user_id": "browser-user"},
        "user_token": user_token,
        **fields,
    }


def broken_item_of(gingham: LiveGingham, user_token: str, institution_id: str) -> str:
    """An Item of the user's, linked without a browser and then broken; returns its item_id."""
    token = plaid_post(
        gingham, "/link/token/create", link_token_body(user_token, products=["transactions"])
    )["link_token"]
    done = plaid_post(
        gingham, "/_gingham/link/complete", {"link_token": token, "institution_id": institution_id}
    )
    exchanged = plaid_post(
        gingham, "/item/public_token/exchange", {"public_token": done["public_token"]}
    )
    plaid_post(gingham, "/sandbox/item/reset_login", {"access_token": exchanged["access_token"]})
    item_id: str = exchanged["item_id"]
    return item_id


def test_link_repairs_the_users_most_recently_broken_item(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    user_token = plaid_post(
        gingham, "/user/create", {"client_user_id": f"browser-user-{uuid.uuid4().hex[:12]}"}
    )["user_token"]
    # Broken one after the other: the second is the most recently broken.
    earlier = broken_item_of(gingham, user_token, "ins_109508")
    latest = broken_item_of(gingham, user_token, "ins_109509")

    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    token = plaid_post(
        gingham, "/link/token/create", link_token_body(user_token, update={"user": True})
    )["link_token"]
    link.create(token)
    link.open()
    link.pane("CONSENT", "update-user-consent")
    link.click("consent-continue")
    link.pane("CREDENTIAL", "update-user-credential")
    expect(link.frame.locator('[data-view="CREDENTIAL"]')).to_contain_text(
        "Log in at First Gingham Credit Union"
    )
    link.submit_credentials()
    link.pane("CONNECTED", "update-user-connected")
    link.click("connected-continue")

    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success"
    _, metadata = terminal["args"]
    assert metadata["institution"]["institution_id"] == "ins_109509"
    assert link.event_names() == UPDATE_MODE_EVENTS
    opened = next(e for e in link.log() if e["kind"] == "event" and e["args"][0] == "OPEN")
    assert opened["args"][1]["is_update_mode"] == "true"

    items = plaid_post(gingham, "/user/items/get", {"user_token": user_token})["items"]
    errors = {item["item_id"]: item["error"] for item in items}
    assert errors[latest] is None
    assert errors[earlier]["error_code"] == "ITEM_LOGIN_REQUIRED"
