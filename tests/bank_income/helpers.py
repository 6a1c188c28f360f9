"""Builders for the bank income tests: users, their Items linked for income, and the report."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller, link_token_request

WEBHOOK = "https://app.example.com/plaid/webhooks"


def income_link_token_request(user_token: str, days: int = 90, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "products": ["income_verification"],
        "user_token": user_token,
        "income_verification": {
            "income_source_types": ["bank"],
            "bank_income": {"days_requested": days},
        },
        "webhook": WEBHOOK,
        **overrides,
    }
    return link_token_request(**fields)


def new_user(plaid: PlaidCaller, client_user_id: str = "income-user-1") -> dict[str, Any]:
    return plaid.ok("/user/create", {"client_user_id": client_user_id})


def link_for_income(plaid: PlaidCaller, user_token: str, days: int = 90, **complete: Any) -> str:
    """An Item linked for bank income through headless Link; its access token."""
    link_token = plaid.ok("/link/token/create", income_link_token_request(user_token, days))[
        "link_token"
    ]
    done = plaid.ok("/_gingham/link/complete", {"link_token": link_token, **complete})
    assert done["status"] == "SUCCESS", done
    access_token: str = plaid.ok(
        "/item/public_token/exchange", {"public_token": done["public_token"]}
    )["access_token"]
    return access_token


def bank_income(
    plaid: PlaidCaller, user_token: str, count: int | None = None
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"user_token": user_token}
    if count is not None:
        body["options"] = {"count": count}
    reports: list[dict[str, Any]] = plaid.ok("/credit/bank_income/get", body)["bank_income"]
    return reports


def income_webhooks(plaid: PlaidCaller) -> list[dict[str, Any]]:
    """The INCOME webhooks queued, oldest first."""
    events = plaid.ok("/_gingham/webhooks/list", {"limit": 100})["events"]
    payloads = [e["payload"] for e in sorted(events, key=lambda e: e["created_at"])]
    return [p for p in payloads if p["webhook_type"] == "INCOME"]
