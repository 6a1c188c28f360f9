"""Pulling an Item's transactions from the sandbox bank, as Plaid's extractions do.

The bank's transactions are generated (gingham.sandbox_data.transactions) from the Item's bank
login, deterministically and window by window, and stored as they are served:

- the initial pull, a few seconds after linking, brings the last 30 days;
- the historical pull, shortly after, brings the rest of about 24 months;
- a daily update brings each new day's transactions as the client's clock reaches it. A
  transaction from the last PENDING_DAYS days is pending; once older it posts, which Plaid
  reports as a new posted transaction (with pending_transaction_id) and the pending one removed;
  now and then a recent transaction is removed outright.

Each pull sends Plaid's webhooks: SYNC_UPDATES_AVAILABLE (to Items on which /transactions/sync
was called), and INITIAL_UPDATE / HISTORICAL_UPDATE / DEFAULT_UPDATE / TRANSACTIONS_REMOVED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.accounts.models import Account
from gingham.items.service import ItemRecord
from gingham.sandbox_data.seeds import rng
from gingham.sandbox_data.transactions import (
    TRANSACTION_ACCOUNT_TYPES,
    AccountProfile,
    GeneratedTransaction,
    generate,
)
from gingham.transactions import service
from gingham.transactions.models import Transaction
from gingham.transactions.schemas import transaction_id, wire_text
from gingham.transactions.service import NewTransaction, ProductState
from gingham.webhooks.outbox import enqueue_webhook

# The last 30 days come with the initial pull; the history reaches back about 24 months.
INITIAL_DAYS = 30
HISTORY_DAYS = 730
# Transactions dated within this many days of today are still pending.
PENDING_DAYS = 2
# A day's chance that the bank drops one of the last week's posted transactions.
REMOVAL_CHANCE = 0.08
REMOVAL_LOOKBACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class BankAccount:
    """One of the Item's accounts with transactions, as the generator knows it."""

    account_id: str
    profile: AccountProfile


def bank_accounts(session: Session, item_id: str) -> list[BankAccount]:
    """The Item's depository and credit accounts, shared or not (an account the user stops
    sharing is hidden from the API, not forgotten: sharing it again shows its whole history)."""
    rows = session.execute(
        select(
            Account.id,
            Account.position,
            Account.mask,
            Account.type,
            Account.subtype,
            Account.name,
            Account.iso_currency_code,
            Account.current_balance,
            Account.product_data,
        )
        .where(Account.item_id == item_id, Account.type.in_(TRANSACTION_ACCOUNT_TYPES))
        .order_by(Account.position)
    ).all()
    accounts = []
    for row in rows:
        custom = (row.product_data or {}).get("transactions")
        accounts.append(
            BankAccount(
                row.id,
                AccountProfile(
                    # Within a login an account is its mask (or its position when it has none).
                    key=row.mask or f"#{row.position}",
                    type=row.type,
                    subtype=row.subtype,
                    name=row.name,
                    iso_currency_code=row.iso_currency_code or "USD",
                    current_balance=row.current_balance,
                    custom_transactions=tuple(custom) if custom is not None else None,
                ),
            )
        )
    return accounts


def seed_of(item: ItemRecord) -> str:
    """The same bank login gives the same transactions, whichever app linked it."""
    return item.login_id or item.id


@dataclass(slots=True)
class Changes:
    added: int = 0
    removed: list[str] = field(default_factory=list)


def _rows(
    item: ItemRecord,
    accounts: Sequence[BankAccount],
    start: date,
    end: date,
    today: date,
) -> list[NewTransaction]:
    if start > end or not accounts:
        return []
    by_key = {account.profile.key: account.account_id for account in accounts}
    generated = generate(seed_of(item), [a.profile for a in accounts], start, end)
    pending_from = today - timedelta(days=PENDING_DAYS - 1)
    return [
        _row(
            item.id, transaction, by_key[transaction.account_key], transaction.date >= pending_from
        )
        for transaction in generated
        if transaction.account_key in by_key
    ]


def _row(
    item_id: str, generated: GeneratedTransaction, account_id: str, pending: bool
) -> NewTransaction:
    new_id = transaction_id(item_id, generated.key, pending=pending)
    return NewTransaction(
        id=new_id,
        account_id=account_id,
        date=generated.date,
        pending=pending,
        amount=generated.amount,
        stream=generated.stream,
        wire=wire_text(
            generated,
            transaction_id=new_id,
            account_id=account_id,
            pending=pending,
            pending_transaction_id=None,
        ),
        original_description=generated.name,
    )


def _add_new(session: Session, item_id: str, rows: list[NewTransaction]) -> int:
    """Store the rows the Item does not have yet (a pull repeated after a failure adds nothing
    twice); how many were added."""
    known = service.existing_ids(session, item_id, [row.id for row in rows])
    fresh = [row for row in rows if row.id not in known]
    service.add_transactions(session, item_id, fresh)
    return len(fresh)


# --- The initial and historical pulls ---------------------------------------------------------


def initial_pull(session: Session, item: ItemRecord, state: ProductState, now: datetime) -> None:
    if state.initial_pulled_at is not None:
        return
    today = now.date()
    accounts = bank_accounts(session, item.id)
    start = today - timedelta(days=INITIAL_DAYS)
    added = _add_new(session, item.id, _rows(item, accounts, start, today, today))
    service.update_state(
        session,
        item.id,
        initial_pulled_at=now,
        history_start=start,
        pulled_through=today,
        pulled_accounts=[a.account_id for a in accounts],
        last_pull_at=now,
    )
    _notify(session, item, "INITIAL_UPDATE", {"new_transactions": added, "error": None}, now)
    if state.sync_used:
        _sync_updates_available(session, item, now, initial=True, historical=False)


def historical_pull(session: Session, item: ItemRecord, state: ProductState, now: datetime) -> None:
    if state.historical_pulled_at is not None or state.initial_pulled_at is None:
        return
    assert state.history_start is not None
    oldest = state.initial_pulled_at.date() - timedelta(days=HISTORY_DAYS)
    accounts = bank_accounts(session, item.id)
    # Newest first is how the bank sends them; the log keeps that order.
    end = state.history_start - timedelta(days=1)
    added = _add_new(session, item.id, _rows(item, accounts, oldest, end, now.date()))
    service.update_state(session, item.id, historical_pulled_at=now, history_start=oldest)
    _notify(session, item, "HISTORICAL_UPDATE", {"new_transactions": added, "error": None}, now)
    if state.sync_used:
        _sync_updates_available(session, item, now, initial=True, historical=True)


def pull_new_accounts(
    session: Session, item: ItemRecord, state: ProductState, now: datetime
) -> None:
    """Accounts the Item shares since update mode get their transactions at once, announced as
    Plaid does: INITIAL_UPDATE with the net new transactions (and SYNC_UPDATES_AVAILABLE)."""
    if state.initial_pulled_at is None or state.history_start is None:
        return
    assert state.pulled_through is not None
    accounts = bank_accounts(session, item.id)
    known = set(state.pulled_accounts)
    new_accounts = [a for a in accounts if a.account_id not in known]
    if not new_accounts:
        return
    rows = _rows(item, new_accounts, state.history_start, state.pulled_through, now.date())
    added = _add_new(session, item.id, rows)
    service.update_state(
        session, item.id, pulled_accounts=[a.account_id for a in accounts], last_pull_at=now
    )
    _notify(session, item, "INITIAL_UPDATE", {"new_transactions": added, "error": None}, now)
    if state.sync_used and added:
        _sync_updates_available(
            session, item, now, initial=True, historical=state.historical_pulled_at is not None
        )


# --- Later updates --------------------------------------------------------------------------------


def update(
    session: Session,
    item: ItemRecord,
    state: ProductState,
    now: datetime,
    *,
    post_all_pending: bool = False,
) -> Changes:
    """Bring the Item's transactions up to the client's `now`: accounts it has not pulled yet
    (added in update mode) get their history, new days arrive, pending transactions that are
    old enough post, and the bank removes one now and then. Sends the webhooks for what changed.
    """
    changes = Changes()
    if state.initial_pulled_at is None or state.history_start is None:
        return changes
    assert state.pulled_through is not None
    today = max(now.date(), state.pulled_through)
    accounts = bank_accounts(session, item.id)
    known = set(state.pulled_accounts)
    new_accounts = [a for a in accounts if a.account_id not in known]
    rows = _rows(item, new_accounts, state.history_start, state.pulled_through, today)
    rows += _rows(item, accounts, state.pulled_through + timedelta(days=1), today, today)
    changes.added += _add_new(session, item.id, rows)
    posted_from = today - timedelta(days=PENDING_DAYS - 1)
    to_post = [
        pending
        for pending in service.pending_transactions(session, item.id)
        if post_all_pending or pending.date < posted_from
    ]
    if to_post:
        changes.removed += [pending.id for pending in to_post]
        service.remove_transactions(session, item.id, [pending.id for pending in to_post])
        changes.added += _add_new(
            session, item.id, [_posted(session, item.id, p.id) for p in to_post]
        )
    changes.removed += _bank_removals(session, item, state.pulled_through, today)
    service.update_state(
        session,
        item.id,
        pulled_through=today,
        pulled_accounts=[a.account_id for a in accounts],
        last_pull_at=now,
    )
    _send_changes(session, item, state, changes, now)
    return changes


def _posted(session: Session, item_id: str, pending_id: str) -> NewTransaction:
    """The posted transaction for a pending one: the same purchase, a new transaction_id, and
    pending_transaction_id pointing back."""

    row = session.execute(
        select(Transaction.wire, Transaction.original_description, Transaction.stream).where(
            Transaction.id == pending_id
        )
    ).one()
    body: dict[str, Any] = orjson.loads(row.wire)
    posted_id = transaction_id(item_id, pending_id, pending=False)
    body.update(transaction_id=posted_id, pending=False, pending_transaction_id=pending_id)
    # original_description stays last (gingham.transactions.schemas.with_original_description).
    body["original_description"] = body.pop("original_description")
    return NewTransaction(
        id=posted_id,
        account_id=body["account_id"],
        date=date.fromisoformat(body["date"]),
        pending=False,
        amount=float(body["amount"]),
        stream=row.stream,
        wire=orjson.dumps(body).decode(),
        original_description=row.original_description,
    )


def _bank_removals(session: Session, item: ItemRecord, after: date, today: date) -> list[str]:
    """For each new day, a small chance that the bank drops one of the last week's posted
    transactions (a duplicate it corrected, say)."""
    removed: list[str] = []
    day = after + timedelta(days=1)
    while day <= today:
        chance = rng(seed_of(item), "transactions-removal", day.isoformat())
        if chance.random() < REMOVAL_CHANCE:
            since = day - timedelta(days=REMOVAL_LOOKBACK_DAYS)
            candidates = service.posted_since(session, item.id, since)
            if candidates:
                victim = candidates[chance.randrange(len(candidates))]
                service.remove_transactions(session, item.id, [victim])
                removed.append(victim)
        day += timedelta(days=1)
    return removed


def add_custom(
    session: Session,
    item: ItemRecord,
    state: ProductState,
    rows: list[NewTransaction],
    now: datetime,
) -> None:
    """Transactions added through /sandbox/transactions/create."""
    added = _add_new(session, item.id, rows)
    _send_changes(session, item, state, Changes(added=added), now)


# --- Webhooks -------------------------------------------------------------------------------------


def _send_changes(
    session: Session, item: ItemRecord, state: ProductState, changes: Changes, now: datetime
) -> None:
    if not changes.added and not changes.removed:
        return
    if state.sync_used:
        _sync_updates_available(
            session,
            item,
            now,
            initial=True,
            historical=state.historical_pulled_at is not None,
        )
    if changes.added:
        _notify(
            session, item, "DEFAULT_UPDATE", {"new_transactions": changes.added, "error": None}, now
        )
    if changes.removed:
        _notify(
            session,
            item,
            "TRANSACTIONS_REMOVED",
            {"removed_transactions": changes.removed, "error": None},
            now,
        )


def _sync_updates_available(
    session: Session, item: ItemRecord, now: datetime, *, initial: bool, historical: bool
) -> None:
    _notify(
        session,
        item,
        "SYNC_UPDATES_AVAILABLE",
        {"initial_update_complete": initial, "historical_update_complete": historical},
        now,
    )


def _notify(
    session: Session, item: ItemRecord, code: str, fields: dict[str, Any], now: datetime
) -> None:
    enqueue_webhook(
        session,
        item=item,
        webhook_type="TRANSACTIONS",
        webhook_code=code,
        fields={"item_id": item.id, **fields},
        now=now,
    )
