"""Linking Items with Transactions in-process and running their pulls on the sandbox clock."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller

# Settings' default transactions_pull_seconds: advancing past it runs the initial pull, past it
# again the historical pull.
PULL = "PT5S"


def advance(plaid: PlaidCaller, by: str) -> dict[str, Any]:
    return plaid.ok("/_gingham/clock/advance", {"by": by})


def linked(plaid: PlaidCaller, *, pulled: bool = True, **overrides: Any) -> str:
    """An access token for a new Item; with `pulled`, both pulls have run."""
    token = plaid.access_token(**overrides)
    if pulled:
        advance(plaid, PULL)
        advance(plaid, PULL)
    return token


def sync_all(
    plaid: PlaidCaller, token: str, cursor: str = "", *, count: int = 500, **options: Any
) -> tuple[dict[str, dict[str, Any]], list[dict[str, str]], list[dict[str, Any]], str]:
    """Page through /transactions/sync from `cursor`: (added by id, removed, modified, cursor)."""
    added: dict[str, dict[str, Any]] = {}
    removed: list[dict[str, str]] = []
    modified: list[dict[str, Any]] = []
    while True:
        body: dict[str, Any] = {"access_token": token, "cursor": cursor, "count": count}
        if options:
            body["options"] = options
        page = plaid.ok("/transactions/sync", body)
        for transaction in page["added"]:
            assert transaction["transaction_id"] not in added
            added[transaction["transaction_id"]] = transaction
        removed += page["removed"]
        modified += page["modified"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return added, removed, modified, cursor


WEBHOOK = "https://app.example.com/plaid/webhook"


def with_webhook(plaid: PlaidCaller, *, pulled: bool = False, **options: Any) -> tuple[str, str]:
    """(access_token, item_id) of a new Item with a webhook URL."""
    public_token = plaid.public_token(options={"webhook": WEBHOOK, **options})
    exchanged = plaid.ok("/item/public_token/exchange", {"public_token": public_token})
    if pulled:
        advance(plaid, PULL)
        advance(plaid, PULL)
    return exchanged["access_token"], exchanged["item_id"]


def transactions_webhooks(plaid: PlaidCaller, item_id: str) -> list[dict[str, Any]]:
    """The TRANSACTIONS webhooks queued about the Item, oldest first."""
    events = plaid.ok("/_gingham/webhooks/list", {"item_id": item_id, "limit": 100})["events"]
    payloads = [e["payload"] for e in sorted(events, key=lambda e: e["created_at"])]
    return [p for p in payloads if p["webhook_type"] == "TRANSACTIONS"]


def codes(webhooks: list[dict[str, Any]]) -> list[str]:
    return [w["webhook_code"] for w in webhooks]
