"""The Item's stored transactions and the log of their changes.

Every change — a transaction added, or removed — takes the next sequence of the Item's log
(TransactionsItem.last_sequence), reserved with one UPDATE … RETURNING so that concurrent
writers never share one. Rows are inserted in bulk with one executemany.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from gingham.transactions.models import Transaction, TransactionsItem


@dataclass(frozen=True, slots=True)
class ProductState:
    """A read-only snapshot of an Item's TransactionsItem row."""

    item_id: str
    last_sequence: int
    initial_pulled_at: datetime | None
    historical_pulled_at: datetime | None
    history_start: date | None
    pulled_through: date | None
    pulled_accounts: list[str]
    sync_used: bool
    last_pull_at: datetime | None
    recurring_updated_at: datetime | None

    @property
    def update_status(self) -> str:
        """/transactions/sync's transactions_update_status."""
        if self.historical_pulled_at is not None:
            return "HISTORICAL_UPDATE_COMPLETE"
        if self.initial_pulled_at is not None:
            return "INITIAL_UPDATE_COMPLETE"
        return "NOT_READY"


@dataclass(frozen=True, slots=True)
class NewTransaction:
    """A row to add: its id, account, the wire object and what the queries need of it."""

    id: str
    account_id: str
    date: date
    pending: bool
    amount: float
    stream: str | None
    wire: str
    original_description: str | None


_STATE_COLUMNS = [TransactionsItem.__table__.c[name] for name in ProductState.__slots__]
_STATE = select(*_STATE_COLUMNS).where(TransactionsItem.item_id == bindparam("item_id"))
_INSERT_STATE = insert(TransactionsItem)
_INSERT_TRANSACTION = insert(Transaction)
_RESERVE = (
    update(TransactionsItem)
    .where(TransactionsItem.item_id == bindparam("reserving_for"))
    .values(last_sequence=TransactionsItem.last_sequence + bindparam("count"))
    .returning(TransactionsItem.last_sequence)
)
_REMOVE = (
    update(Transaction)
    .where(Transaction.id == bindparam("removing"), Transaction.removed.is_(False))
    .values(removed=True, sequence=bindparam("new_sequence"))
)


def state_of(session: Session, item_id: str) -> ProductState | None:
    row = session.connection().execute(_STATE, {"item_id": item_id}).one_or_none()
    return None if row is None else ProductState(*row)


def create_state(session: Session, item_id: str) -> ProductState:
    values: dict[str, Any] = {
        "item_id": item_id,
        "last_sequence": 0,
        "initial_pulled_at": None,
        "historical_pulled_at": None,
        "history_start": None,
        "pulled_through": None,
        "pulled_accounts": [],
        "sync_used": False,
        "last_pull_at": None,
        "recurring_updated_at": None,
    }
    session.connection().execute(_INSERT_STATE, values)
    return ProductState(**values)


def update_state(session: Session, item_id: str, **values: Any) -> None:
    session.execute(
        update(TransactionsItem).where(TransactionsItem.item_id == item_id).values(**values)
    )


def _reserve(session: Session, item_id: str, count: int) -> int:
    """Reserve `count` sequences of the Item's log; the first of them."""
    last = (
        session.connection()
        .execute(_RESERVE, {"reserving_for": item_id, "count": count})
        .scalar_one()
    )
    return int(last) - count + 1


def add_transactions(session: Session, item_id: str, rows: Sequence[NewTransaction]) -> None:
    """Append rows to the Item's log, in the order given (oldest first reads naturally)."""
    if not rows:
        return
    first = _reserve(session, item_id, len(rows))
    session.connection().execute(
        _INSERT_TRANSACTION,
        [
            {
                "id": row.id,
                "item_id": item_id,
                "account_id": row.account_id,
                "sequence": first + index,
                "added_sequence": first + index,
                "date": row.date,
                "pending": row.pending,
                "removed": False,
                "amount": row.amount,
                "stream": row.stream,
                "wire": row.wire,
                "original_description": row.original_description,
            }
            for index, row in enumerate(rows)
        ],
    )


def remove_transactions(session: Session, item_id: str, transaction_ids: Sequence[str]) -> None:
    """Mark transactions removed, each a change in the log."""
    if not transaction_ids:
        return
    first = _reserve(session, item_id, len(transaction_ids))
    session.connection().execute(
        _REMOVE,
        [
            {"removing": transaction_id, "new_sequence": first + index}
            for index, transaction_id in enumerate(transaction_ids)
        ],
    )


def existing_ids(session: Session, item_id: str, transaction_ids: Sequence[str]) -> set[str]:
    """Which of these transactions the Item already has (removed or not)."""
    found: set[str] = set()
    ids = list(transaction_ids)
    # In chunks: a long IN list is slow to plan and SQLite caps bound parameters.
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(Transaction.id).where(
                    Transaction.item_id == item_id, Transaction.id.in_(ids[start : start + 500])
                )
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class PendingRow:
    id: str
    account_id: str
    date: date


def pending_transactions(session: Session, item_id: str) -> list[PendingRow]:
    rows = session.execute(
        select(Transaction.id, Transaction.account_id, Transaction.date)
        .where(
            Transaction.item_id == item_id,
            Transaction.pending.is_(True),
            Transaction.removed.is_(False),
        )
        .order_by(Transaction.sequence)
    )
    return [PendingRow(*row) for row in rows]


def posted_since(session: Session, item_id: str, since: date) -> list[str]:
    """The Item's posted, live transactions dated `since` or later, in log order."""
    return list(
        session.scalars(
            select(Transaction.id)
            .where(
                Transaction.item_id == item_id,
                Transaction.date >= since,
                Transaction.pending.is_(False),
                Transaction.removed.is_(False),
            )
            .order_by(Transaction.sequence)
        )
    )


def count_live(session: Session, item_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(Transaction.item_id == item_id, Transaction.removed.is_(False))
        )
        or 0
    )
