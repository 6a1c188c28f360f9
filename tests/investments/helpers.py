"""Investments Items for the tests and the facts they check."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller

WEBHOOK = "https://app.example/plaid-webhook"


def investments_item(plaid: PlaidCaller, **options: Any) -> str:
    """An access token for user_good's Item linked with Investments (and a webhook URL, unless
    options say otherwise)."""
    return plaid.access_token(
        initial_products=["investments"], options={"webhook": WEBHOOK, **options}
    )


def accounts_by_mask(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {account["mask"]: account for account in answer["accounts"]}


def all_transactions(
    plaid: PlaidCaller, access_token: str, start: str, end: str, **options: Any
) -> list[dict[str, Any]]:
    """Every investment transaction of the window, page by page."""
    found: list[dict[str, Any]] = []
    while True:
        page = plaid.ok(
            "/investments/transactions/get",
            {
                "access_token": access_token,
                "start_date": start,
                "end_date": end,
                "options": {"count": 500, "offset": len(found), **options},
            },
        )
        found += page["investment_transactions"]
        if len(found) >= page["total_investment_transactions"]:
            return found


def webhooks_of(plaid: PlaidCaller, item_id: str) -> list[dict[str, Any]]:
    """The payloads of the Item's webhooks, oldest first."""
    events = plaid.ok("/_gingham/webhooks/list", {"item_id": item_id, "limit": 100})["events"]
    return [event["payload"] for event in reversed(events)]
