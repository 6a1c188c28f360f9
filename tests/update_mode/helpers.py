"""Builders for the update mode tests: Link customizations, Items linked through Link (with or
without Data Transparency Messaging), update mode link tokens, and what the API then says."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.testclient import TestClient

from gingham.wire.json import format_datetime
from tests.builders import Linked, PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

BANK = "ins_109508"
WEBHOOK = "https://app.example.com/plaid/webhook"
DEFAULT_USE_CASES = ["Connect your accounts to the app and keep them up to date"]
DTM = "dtm"
# A Data Transparency Messaging consent lasts a year; Link asks to renew it within six months of
# its expiry.
CONSENT_LIFETIME = timedelta(days=365)


def save_customization(plaid: PlaidCaller, name: str, **fields: Any) -> dict[str, Any]:
    saved: dict[str, Any] = plaid.ok(
        "/_gingham/link_customizations/save", {"name": name, **fields}
    )["link_customization"]
    return saved


def save_dtm(plaid: PlaidCaller, name: str = DTM, use_cases: list[str] | None = None) -> str:
    """A customization with Data Transparency Messaging; its name."""
    dtm: dict[str, Any] = {"enabled": True}
    if use_cases is not None:
        dtm["use_cases"] = use_cases
    save_customization(plaid, name, data_transparency_messaging=dtm)
    return name


def link_item(
    plaid: PlaidCaller,
    *,
    customization: str | None = None,
    products: list[str] | None = None,
    masks: list[str] | None = None,
    institution_id: str = BANK,
    **token_fields: Any,
) -> Linked:
    """An Item linked through headless Link, with the Item's webhook set."""
    request = link_token_request(
        products=products or ["transactions"],
        link_customization_name=customization,
        webhook=WEBHOOK,
        **token_fields,
    )
    link_token = plaid.ok("/link/token/create", request)["link_token"]
    complete: dict[str, Any] = {"link_token": link_token, "institution_id": institution_id}
    if masks is not None:
        complete["account_masks"] = masks
    done = plaid.ok("/_gingham/link/complete", complete)
    assert done["status"] == "SUCCESS", done
    exchanged = plaid.ok("/item/public_token/exchange", {"public_token": done["public_token"]})
    return Linked(exchanged["access_token"], exchanged["item_id"])


def update_request(access_token: str, **fields: Any) -> dict[str, Any]:
    """An update mode /link/token/create body: no products unless given."""
    return link_token_request(**{"products": None, "access_token": access_token, **fields})


def update_token(plaid: PlaidCaller, access_token: str, **fields: Any) -> str:
    token: str = plaid.ok("/link/token/create", update_request(access_token, **fields))[
        "link_token"
    ]
    return token


def complete(plaid: PlaidCaller, link_token: str, **fields: Any) -> dict[str, Any]:
    return plaid.ok("/_gingham/link/complete", {"link_token": link_token, **fields})


def open_frame(client: TestClient, link_token: str) -> FrameDriver:
    frame = FrameDriver(client, link_token)
    frame.start()
    assert frame.view == "CONSENT", frame.state["view"]
    return frame


def sign_in(frame: FrameDriver) -> None:
    assert frame.view == "CREDENTIAL", frame.state["view"]
    frame.act("submit_credentials", username="user_good", password="pass_good")


def finish(frame: FrameDriver) -> dict[str, Any]:
    assert frame.view == "CONNECTED", frame.state["view"]
    outcome: dict[str, Any] = frame.act("continue")["outcome"]
    assert outcome["type"] == "success", outcome
    return outcome


def webhooks_of(plaid: PlaidCaller, linked: Linked) -> list[dict[str, Any]]:
    """Every ITEM webhook queued about the Item, oldest first: the payloads. (Its transactions
    send TRANSACTIONS webhooks every day the clock moves; the newest 500 webhooks cover the
    ITEM ones these tests look for.)"""
    events = plaid.ok("/_gingham/webhooks/list", {"item_id": linked.item_id, "limit": 500})[
        "events"
    ]
    ordered = sorted(events, key=lambda event: event["created_at"])
    return [event["payload"] for event in ordered if event["payload"]["webhook_type"] == "ITEM"]


def webhook_codes(plaid: PlaidCaller, linked: Linked) -> list[tuple[str, str]]:
    return [(w["webhook_type"], w["webhook_code"]) for w in webhooks_of(plaid, linked)]


def plaid_time(moment: datetime) -> str:
    """A date-time as /item/get writes it."""
    formatted = format_datetime(moment)
    assert formatted is not None
    return formatted


def webhook_time(moment: datetime) -> str:
    """A date-time as webhook bodies write it: milliseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
