"""Reading an Item's transactions: a page of its change log (/transactions/sync) and a page of a
date window (/transactions/get). Statements are built once (see gingham.accounts.service)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.transactions.models import Transaction
from gingham.transactions.schemas import fragment, with_original_description

T = Transaction.__table__.c

# --- The sync cursor ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in one Item's change log. Within a pagination (`snapshot` set) it also holds
    where the pagination started (`base`), which decides added vs modified, and the log's head
    when it started: pages cover (position, snapshot]."""

    item_id: str
    account_id: str | None
    base: int
    position: int
    snapshot: int | None

    def encode(self) -> str:
        fields = [
            "1",
            self.item_id,
            self.account_id or "",
            str(self.base),
            str(self.position),
            "" if self.snapshot is None else str(self.snapshot),
        ]
        return base64.urlsafe_b64encode("|".join(fields).encode()).decode().rstrip("=")


def _invalid_cursor(why: str) -> errors.PlaidError:
    return errors.invalid_field(
        f"cursor is not valid: {why}. Pass the next_cursor of a previous /transactions/sync "
        "response for this Item, or omit it to start from the beginning"
    )


def decode_cursor(text: str, item_id: str, account_id: str | None, head: int) -> Cursor:
    """The cursor a client sent; INVALID_FIELD if it is not one Gingham issued for this Item
    (and account) or points past the log."""
    try:
        padded = text + "=" * (-len(text) % 4)
        parts = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split("|")
        version, cursor_item, cursor_account, base, position, snapshot = parts
        cursor = Cursor(
            cursor_item,
            cursor_account or None,
            int(base),
            int(position),
            int(snapshot) if snapshot else None,
        )
    except (ValueError, UnicodeError, binascii.Error):
        raise _invalid_cursor("it was not issued by /transactions/sync") from None
    if version != "1":
        raise _invalid_cursor("it was not issued by /transactions/sync")
    if cursor.item_id != item_id:
        raise _invalid_cursor("it belongs to another Item")
    if cursor.account_id != account_id:
        raise _invalid_cursor(
            "it was issued for "
            + (f"account {cursor.account_id}" if cursor.account_id else "all accounts")
            + "; use the same options.account_id with every cursor of a sync"
        )
    limit = head if cursor.snapshot is None else cursor.snapshot
    if not 0 <= cursor.base <= cursor.position <= limit or (
        cursor.snapshot is not None and cursor.snapshot > head
    ):
        raise _invalid_cursor("it is not a position this Item's transactions have reached")
    return cursor


# --- /transactions/sync ---------------------------------------------------------------------------

_SYNC_COLUMNS = (
    T.id,
    T.account_id,
    T.sequence,
    T.added_sequence,
    T.removed,
    T.wire,
    T.original_description,
)
_LOG_RANGE = (
    select(*_SYNC_COLUMNS)
    .where(
        T.item_id == bindparam("item_id"),
        T.sequence > bindparam("after"),
        T.sequence <= bindparam("snapshot"),
    )
    .order_by(T.sequence)
    .limit(bindparam("limit"))
)
_LOG_RANGE_OF_ACCOUNTS = (
    select(*_SYNC_COLUMNS)
    .where(
        T.item_id == bindparam("item_id"),
        T.sequence > bindparam("after"),
        T.sequence <= bindparam("snapshot"),
        T.account_id.in_(bindparam("account_ids", expanding=True)),
    )
    .order_by(T.sequence)
    .limit(bindparam("limit"))
)


@dataclass(frozen=True, slots=True)
class SyncPage:
    added: list[Any]
    modified: list[Any]
    removed: list[dict[str, str]]
    has_more: bool
    next_cursor: Cursor


def sync_page(
    session: Session,
    cursor: Cursor,
    head: int,
    count: int,
    *,
    account_ids: Collection[str] | None,
    original_description: bool,
) -> SyncPage:
    """The changes after `cursor`, at most `count` of them, up to the snapshot of the log taken
    when its pagination started (or now). A change appended since that snapshot means the
    pagination must restart (TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION)."""
    if cursor.snapshot is not None and head != cursor.snapshot:
        raise errors.TransactionsError(
            "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
            "underlying transaction data changed since the last page was fetched. Please "
            "restart pagination from the cursor at the start of this update",
        )
    snapshot = head if cursor.snapshot is None else cursor.snapshot
    params: dict[str, Any] = {
        "item_id": cursor.item_id,
        "after": cursor.position,
        "snapshot": snapshot,
        "limit": count + 1,
    }
    statement = _LOG_RANGE
    if account_ids is not None:
        statement = _LOG_RANGE_OF_ACCOUNTS
        params["account_ids"] = list(account_ids)
    rows = session.connection().execute(statement, params).all()
    has_more = len(rows) > count
    rows = rows[:count]
    added: list[Any] = []
    modified: list[Any] = []
    removed: list[dict[str, str]] = []
    for transaction_id, account_id, _, added_sequence, is_removed, wire, original in rows:
        seen = added_sequence <= cursor.base
        if is_removed:
            # Added and removed since the client last synced: it never sees either.
            if seen:
                removed.append({"transaction_id": transaction_id, "account_id": account_id})
            continue
        if original_description:
            wire = with_original_description(wire, original)
        (modified if seen else added).append(fragment(wire))
    if has_more:
        following = Cursor(cursor.item_id, cursor.account_id, cursor.base, rows[-1][2], snapshot)
    else:
        following = Cursor(cursor.item_id, cursor.account_id, snapshot, snapshot, None)
    return SyncPage(added, modified, removed, has_more, following)


# --- /transactions/get ----------------------------------------------------------------------------

_WINDOW = (
    T.item_id == bindparam("item_id"),
    T.removed.is_(False),
    T.date >= bindparam("start"),
    T.date <= bindparam("end"),
)
_ACCOUNTS = T.account_id.in_(bindparam("account_ids", expanding=True))
_WINDOW_COUNT = select(func.count()).select_from(Transaction).where(*_WINDOW)
_WINDOW_COUNT_OF_ACCOUNTS = select(func.count()).select_from(Transaction).where(*_WINDOW, _ACCOUNTS)
_WINDOW_PAGE = (
    select(T.wire, T.original_description)
    .where(*_WINDOW)
    .order_by(T.date.desc(), T.sequence.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_WINDOW_PAGE_OF_ACCOUNTS = (
    select(T.wire, T.original_description)
    .where(*_WINDOW, _ACCOUNTS)
    .order_by(T.date.desc(), T.sequence.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def window_page(
    session: Session,
    item_id: str,
    start: date,
    end: date,
    *,
    count: int,
    offset: int,
    account_ids: Collection[str] | None,
    original_description: bool,
) -> tuple[int, list[Any]]:
    """(total, page): the Item's live transactions dated start..end, newest first."""
    params: dict[str, Any] = {"item_id": item_id, "start": start, "end": end}
    counting, paging = _WINDOW_COUNT, _WINDOW_PAGE
    if account_ids is not None:
        counting, paging = _WINDOW_COUNT_OF_ACCOUNTS, _WINDOW_PAGE_OF_ACCOUNTS
        params["account_ids"] = list(account_ids)
    connection = session.connection()
    total = int(connection.execute(counting, params).scalar_one())
    if total <= offset:
        return total, []
    rows = connection.execute(paging, {**params, "limit": count, "offset": offset})
    page = [
        fragment(with_original_description(wire, original) if original_description else wire)
        for wire, original in rows
    ]
    return total, page


def loads_wire(wire: str) -> dict[str, Any]:
    parsed: dict[str, Any] = orjson.loads(wire)
    return parsed
