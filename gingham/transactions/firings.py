"""Bodies of the TRANSACTIONS webhooks /sandbox/item/fire_webhook sends, from the Item's stored
transactions, so that an app fetching after one finds what it announces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gingham.items.service import ItemRecord
from gingham.transactions import service
from gingham.transactions.models import Transaction

# TRANSACTIONS_REMOVED lists at most this many of the Item's removed transactions.
MAX_REMOVED_LISTED = 100


def _count(session: Session, item_id: str, *conditions: Any) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(Transaction.item_id == item_id, Transaction.removed.is_(False), *conditions)
        )
        or 0
    )


def new_transactions(
    session: Session, item: ItemRecord, code: str, options: dict[str, Any]
) -> dict[str, Any]:
    """INITIAL_UPDATE, HISTORICAL_UPDATE and DEFAULT_UPDATE: how many transactions the pull
    brought — the last 30 days, the whole history, or the latest day — unless options say."""
    body: dict[str, Any] = {"item_id": item.id, "error": None}
    if "new_transactions" in options:
        body["new_transactions"] = options["new_transactions"]
        return body
    state = service.state_of(session, item.id)
    if state is None or state.initial_pulled_at is None or state.pulled_through is None:
        body["new_transactions"] = 0
    elif code == "HISTORICAL_UPDATE":
        body["new_transactions"] = _count(session, item.id)
    elif code == "INITIAL_UPDATE":
        since = state.initial_pulled_at.date().toordinal() - 30
        body["new_transactions"] = _count(
            session, item.id, Transaction.date >= state.initial_pulled_at.date().fromordinal(since)
        )
    else:
        body["new_transactions"] = _count(
            session, item.id, Transaction.date == state.pulled_through
        )
    return body


def sync_updates_available(session: Session, item: ItemRecord) -> dict[str, Any]:
    state = service.state_of(session, item.id)
    return {
        "item_id": item.id,
        "initial_update_complete": state is not None and state.initial_pulled_at is not None,
        "historical_update_complete": state is not None and state.historical_pulled_at is not None,
    }


def transactions_removed(session: Session, item: ItemRecord) -> dict[str, Any]:
    removed = session.scalars(
        select(Transaction.id)
        .where(Transaction.item_id == item.id, Transaction.removed.is_(True))
        .order_by(Transaction.sequence.desc())
        .limit(MAX_REMOVED_LISTED)
    ).all()
    return {"item_id": item.id, "removed_transactions": list(removed), "error": None}
