"""The accounts shared through an Item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A read-only snapshot of an account row (read through Core, as ItemRecord is)."""

    id: str
    name: str
    official_name: str | None
    mask: str | None
    type: str
    subtype: str | None
    available_balance: float | None
    current_balance: float | None
    limit_balance: float | None
    iso_currency_code: str | None
    unofficial_currency_code: str | None
    verification_status: str | None
    holder_category: str | None
    balances_updated_at: datetime
    account_number: str | None
    routing_number: str | None
    wire_routing_number: str | None
    numbers_tokenized: bool


_ACCOUNTS_OF_ITEM = (
    select(*[Account.__table__.c[f.name] for f in fields(AccountRecord)])
    .where(Account.item_id == bindparam("item_id"), Account.unshared_at.is_(None))
    .order_by(Account.position)
)


def accounts_of_item(
    session: Session, item_id: str, account_ids: Sequence[str] | None = None
) -> list[AccountRecord]:
    """The Item's accounts in the institution's order, optionally only the given ones.

    Unknown account IDs are an error rather than silently dropped, so a caller holding a stale ID
    finds out.
    """
    rows = session.connection().execute(_ACCOUNTS_OF_ITEM, {"item_id": item_id})
    accounts = [AccountRecord(*row) for row in rows]
    if account_ids is None:
        return accounts
    wanted = set(account_ids)
    unknown = wanted - {account.id for account in accounts}
    if unknown:
        raise errors.InvalidInput(
            "INVALID_ACCOUNT_ID",
            "one or more of the account IDs is invalid for this Item: "
            + ", ".join(sorted(unknown)),
        )
    return [account for account in accounts if account.id in wanted]


def mark_balances_fetched(
    session: Session, accounts: Sequence[AccountRecord], now: datetime
) -> list[AccountRecord]:
    """Record that these accounts' balances were just read from the bank."""
    session.execute(
        update(Account)
        .where(Account.id.in_([account.id for account in accounts]))
        .values(balances_updated_at=now)
    )
    return [replace(account, balances_updated_at=now) for account in accounts]
