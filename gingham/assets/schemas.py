"""Asset reports on Plaid's wire: the transaction and user objects a report is built from, and
the views a read asks for (with or without insights, the last days only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

# Fields an AssetReportTransaction carries only in a report "with Insights".
INSIGHT_FIELDS: Final = (
    "account_owner",
    "category",
    "category_id",
    "check_number",
    "credit_category",
    "location",
    "merchant_name",
    "name",
    "payment_meta",
    "pending_transaction_id",
    "transaction_type",
)
_USER_FIELDS: Final = (
    "client_user_id",
    "first_name",
    "middle_name",
    "last_name",
    "ssn",
    "phone_number",
    "email",
)


def asset_transaction(wire: dict[str, Any], original_description: str | None) -> dict[str, Any]:
    """A report's transaction, insights included, from Plaid's Transaction object as
    /transactions/get serves it."""
    category = wire.get("personal_finance_category") or {}
    body: dict[str, Any] = {
        "account_id": wire["account_id"],
        "amount": wire["amount"],
        "date": wire["date"],
        "date_transacted": wire.get("authorized_date") or wire["date"],
        "iso_currency_code": wire["iso_currency_code"],
        "unofficial_currency_code": wire["unofficial_currency_code"],
        "original_description": original_description,
        "pending": wire["pending"],
        "transaction_id": wire["transaction_id"],
        "account_owner": wire.get("account_owner"),
        "category": wire.get("category"),
        "category_id": wire.get("category_id"),
        "check_number": wire.get("check_number"),
        "location": wire.get("location"),
        "merchant_name": wire.get("merchant_name"),
        "name": wire.get("name"),
        "payment_meta": wire.get("payment_meta"),
        "pending_transaction_id": wire.get("pending_transaction_id"),
        "transaction_type": wire.get("transaction_type"),
    }
    if category.get("primary") and category.get("detailed"):
        body["credit_category"] = {
            "primary": category["primary"],
            "detailed": category["detailed"],
        }
    return body


def user_json(user: dict[str, Any] | None) -> dict[str, Any]:
    """options.user as given, every documented field present (null when not given)."""
    given = user or {}
    return {**dict.fromkeys(_USER_FIELDS), **given}


def report_view(
    report: dict[str, Any], *, include_insights: bool, days_to_include: int | None
) -> dict[str, Any]:
    """The stored report as a read asks for it: insights only when asked for, and with
    options.days_to_include only that many days of history (ending on the report's day)."""
    since: date | None = None
    if days_to_include is not None:
        generated_on = date.fromisoformat(report["date_generated"][:10])
        since = generated_on - timedelta(days=days_to_include - 1)

    def keep(day: str) -> bool:
        return since is None or date.fromisoformat(day) >= since

    def account_view(account: dict[str, Any]) -> dict[str, Any]:
        transactions = [
            t if include_insights else {k: v for k, v in t.items() if k not in INSIGHT_FIELDS}
            for t in account["transactions"]
            if keep(t["date"])
        ]
        balances = [b for b in account["historical_balances"] if keep(b["date"])]
        return {**account, "transactions": transactions, "historical_balances": balances}

    items = [
        {**item, "accounts": [account_view(a) for a in item["accounts"]]}
        for item in report["items"]
    ]
    return {**report, "items": items}
