"""The `investments` add-on of an asset report: each investment account's holdings, securities
and investment transactions, read as /investments/holdings/get and /investments/transactions/get
read them (so the figures agree), in the report's own, smaller shapes.

The Item must have Investments among its products (Plaid: in optional_products at Link); an Item
without it is reported with Plaid's INVESTMENTS_UNAVAILABLE warning instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.service import AccountRecord
from gingham.investments import service as investments_service
from gingham.investments import timers as investments_timers
from gingham.investments.schemas import holdings_json, transactions_json
from gingham.items.service import ItemRecord
from gingham.sandbox_data.securities import Security

_HOLDING_FIELDS = (
    "account_id",
    "security_id",
    "institution_price",
    "institution_price_as_of",
    "institution_value",
    "quantity",
    "iso_currency_code",
    "unofficial_currency_code",
    "vested_quantity",
    "vested_value",
)
_TRANSACTION_FIELDS = (
    "investment_transaction_id",
    "account_id",
    "security_id",
    "date",
    "name",
    "quantity",
    "amount",
    "price",
    "fees",
    "type",
    "subtype",
    "iso_currency_code",
    "unofficial_currency_code",
)


def has_investments(item: ItemRecord) -> bool:
    return "investments" in item.billed_products


def unavailable_warning(item: ItemRecord) -> dict[str, Any]:
    return {
        "warning_type": "ASSET_REPORT_WARNING",
        "warning_code": "INVESTMENTS_UNAVAILABLE",
        "cause": errors.of_type(
            "ASSET_REPORT_ERROR",
            "PRODUCT_NOT_ENABLED",
            f"Item {item.id} does not have the investments product: link it "
            "with 'investments' in optional_products to include its holdings",
        ).cause(item.id),
    }


def investments_by_account(
    session: Session,
    item: ItemRecord,
    accounts: Sequence[AccountRecord],
    start: date | None,
    now: datetime,
) -> tuple[list[AccountRecord], dict[str, dict[str, Any]]]:
    """`accounts` with their holdings-based balances, and each investment account's
    `investments` object; transactions from `start` (none without one) to today."""
    found = investments_timers.read_portfolios(session, item, accounts, now)
    seed = investments_service.seed_of(item)
    holdings, held_securities = holdings_json(seed, found, now)
    activity = (
        transactions_json(item.id, seed, found, start, now.date()) if start is not None else []
    )
    securities: dict[str, Security] = {s.security_id: s for s in held_securities}
    for _, security in activity:
        if security is not None:
            securities.setdefault(security.security_id, security)
    by_account: dict[str, dict[str, Any]] = {}
    for portfolio in found:
        account_id = portfolio.account.id
        held = [h for h in holdings if h["account_id"] == account_id]
        moved = [t for t, _ in activity if t["account_id"] == account_id]
        used = dict.fromkeys(
            [h["security_id"] for h in held] + [t["security_id"] for t in moved if t["security_id"]]
        )
        by_account[account_id] = {
            "holdings": [
                {
                    **{key: h[key] for key in _HOLDING_FIELDS},
                    "ticker_symbol": securities[h["security_id"]].ticker_symbol,
                }
                for h in held
            ],
            "securities": [
                {
                    "security_id": security_id,
                    "name": securities[security_id].name,
                    "ticker_symbol": securities[security_id].ticker_symbol,
                    "type": securities[security_id].type,
                }
                for security_id in used
            ],
            "transactions": [{key: t[key] for key in _TRANSACTION_FIELDS} for t in moved],
        }
    return investments_service.with_balances(accounts, found), by_account
