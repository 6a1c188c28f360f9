"""Building an asset report: each Item's accounts as the bank reports them on the build's day.

An account's transactions of the window are the ones /transactions/get serves for those days:
for the days an Item with Transactions has pulled, the stored transactions themselves (so ids,
pending/posted forms and the bank's removals agree); for other days, the same generator those
pulls use, with the same ids. Past balances walk back from today's balance through the
generated transactions (gingham.sandbox_data.balances), as statements do, so a statement's
closing balance is the report's balance for that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.accounts.schemas import account_json
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.assets import investments as investments_addon
from gingham.assets.schemas import asset_transaction, user_json
from gingham.identity.service import owners_by_account
from gingham.institutions.catalogue import find as find_institution
from gingham.items.service import ItemRecord
from gingham.sandbox_data.balances import daily_balances
from gingham.sandbox_data.transactions import TRANSACTION_ACCOUNT_TYPES, generate
from gingham.transactions import service as transactions_service
from gingham.transactions.models import Transaction
from gingham.transactions.pulls import PENDING_DAYS, bank_accounts, seed_of
from gingham.transactions.reads import loads_wire
from gingham.transactions.schemas import transaction_id, wire_text
from gingham.wire.json import format_datetime


def report_json(
    *,
    report_id: str,
    items: Sequence[dict[str, Any]],
    days_requested: int,
    options: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    return {
        "asset_report_id": report_id,
        "client_report_id": options.get("client_report_id"),
        "date_generated": format_datetime(now),
        "days_requested": days_requested,
        "items": list(items),
        "user": user_json(options.get("user")),
    }


def item_json(
    session: Session,
    item: ItemRecord,
    *,
    days_requested: int,
    excluded_account_ids: Sequence[str],
    now: datetime,
    with_investments: bool = False,
) -> dict[str, Any]:
    """One Item of the report, with its shared accounts but those excluded by a filter (and
    with the investments add-on, its investment accounts' holdings and activity)."""
    excluded = set(excluded_account_ids)
    accounts = [a for a in accounts_of_item(session, item.id) if a.id not in excluded]
    owners = owners_by_account(session, item, accounts)
    today = now.date()
    # The window is days_requested days ending today (none for 0).
    start = today - timedelta(days=days_requested - 1)
    history = _History(session, item, accounts, start, today) if days_requested > 0 else None
    invested: dict[str, dict[str, Any]] = {}
    if with_investments and investments_addon.has_investments(item):
        accounts, invested = investments_addon.investments_by_account(
            session, item, accounts, start if days_requested > 0 else None, now
        )
    institution = find_institution(item.institution_id) if item.institution_id else None
    return {
        "item_id": item.id,
        "institution_id": item.institution_id,
        "institution_name": institution.name if institution else item.institution_id,
        "date_last_updated": format_datetime(now),
        "accounts": [
            _account_json(account, owners.get(account.id, []), history, days_requested, invested)
            for account in accounts
        ],
    }


def _account_json(
    account: AccountRecord,
    owners: list[dict[str, Any]],
    history: _History | None,
    days_requested: int,
    invested: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    has_history = history is not None and account.type in TRANSACTION_ACCOUNT_TYPES
    names = [name for owner in owners for name in owner.get("names", [])]
    # The balances /accounts/get serves, as of when they were last read, with Assets' one more.
    balances = account_json(account, with_balance_timestamp=True)["balances"]
    body: dict[str, Any] = {
        "account_id": account.id,
        "balances": {**balances, "margin_loan_amount": None},
        "days_available": days_requested if has_history else 0,
        "historical_balances": history.balances(account) if history and has_history else [],
        "mask": account.mask,
        "name": account.name,
        "official_name": account.official_name,
        "owners": owners,
        "ownership_type": ("joint" if len(names) > 1 else "individual") if names else None,
        "transactions": history.transactions(account.id) if history and has_history else [],
        "type": account.type,
        "subtype": account.subtype,
    }
    if account.id in invested:
        body["investments"] = invested[account.id]
    return body


class _History:
    """The window's transactions and daily balances of one Item's accounts."""

    def __init__(
        self,
        session: Session,
        item: ItemRecord,
        accounts: Sequence[AccountRecord],
        start: date,
        today: date,
    ) -> None:
        self._start, self._today = start, today
        bank = bank_accounts(session, item.id)
        by_key = {b.profile.key: b.account_id for b in bank}
        generated = generate(seed_of(item), [b.profile for b in bank], start, today) if bank else []
        self._generated = [(by_key[g.account_key], g) for g in generated if g.account_key in by_key]
        shared = {a.id for a in accounts}
        stored_from, stored_to = _stored_window(session, item.id, start, today)
        pending_from = today - timedelta(days=PENDING_DAYS - 1)
        self._by_account: dict[str, list[dict[str, Any]]] = {}
        for account_id, g in self._generated:
            if account_id not in shared or stored_from <= g.date <= stored_to:
                continue
            pending = g.date >= pending_from
            new_id = transaction_id(item.id, g.key, pending=pending)
            wire = wire_text(
                g,
                transaction_id=new_id,
                account_id=account_id,
                pending=pending,
                pending_transaction_id=None,
            )
            self._add(asset_transaction(loads_wire(wire), g.name))
        if stored_from <= stored_to:
            for wire, original in session.execute(
                select(Transaction.wire, Transaction.original_description).where(
                    Transaction.item_id == item.id,
                    Transaction.removed.is_(False),
                    Transaction.date >= stored_from,
                    Transaction.date <= stored_to,
                    Transaction.account_id.in_(shared),
                )
            ):
                self._add(asset_transaction(loads_wire(wire), original))
        for transactions in self._by_account.values():
            # Newest first, as Plaid lists a report's transactions.
            transactions.sort(key=lambda t: (t["date"], t["transaction_id"]), reverse=True)

    def _add(self, transaction: dict[str, Any]) -> None:
        self._by_account.setdefault(transaction["account_id"], []).append(transaction)

    def transactions(self, account_id: str) -> list[dict[str, Any]]:
        return self._by_account.get(account_id, [])

    def balances(self, account: AccountRecord) -> list[dict[str, Any]]:
        if account.current_balance is None:
            return []
        daily = daily_balances(
            current_balance=account.current_balance,
            account_type=account.type,
            transactions=[g for account_id, g in self._generated if account_id == account.id],
            start=self._start,
            today=self._today,
        )
        return [
            {
                "date": day.isoformat(),
                "current": balance,
                "iso_currency_code": account.iso_currency_code,
                "unofficial_currency_code": account.unofficial_currency_code,
            }
            for day, balance in sorted(daily.items(), reverse=True)
        ]


def _stored_window(session: Session, item_id: str, start: date, today: date) -> tuple[date, date]:
    """The days of the window that the Item's Transactions pulls have stored (empty when
    start > end)."""
    state = transactions_service.state_of(session, item_id)
    if state is None or state.history_start is None or state.pulled_through is None:
        return date.max, date.min
    return max(start, state.history_start), min(today, state.pulled_through)


def fast_version(report: dict[str, Any]) -> dict[str, Any]:
    """The fast report: identity and balances only, no history."""
    items = [
        {
            **item,
            "accounts": [
                {
                    **{key: value for key, value in account.items() if key != "investments"},
                    "transactions": [],
                    "historical_balances": [],
                    "days_available": 0,
                }
                for account in item["accounts"]
            ],
        }
        for item in report["items"]
    ]
    return {**report, "items": items}


def filtered(
    report: dict[str, Any], report_id: str, excluded_account_ids: Sequence[str]
) -> dict[str, Any]:
    """A copy of a built report under a new id, without the excluded accounts."""
    excluded = set(excluded_account_ids)
    items = [
        {**item, "accounts": [a for a in item["accounts"] if a["account_id"] not in excluded]}
        for item in report["items"]
    ]
    return {**report, "asset_report_id": report_id, "items": items}
