"""The accounts shared through an Item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.accounts.models import AccountRecord as AccountRecord
from gingham.read_cache import service as read_cache


def accounts_of_item(
    session: Session, item_id: str, account_ids: Sequence[str] | None = None
) -> list[AccountRecord]:
    """The Item's accounts in the institution's order, optionally only the given ones.

    Unknown account IDs are an error rather than silently dropped, so a caller holding a stale ID
    finds out.
    """
    accounts = read_cache.accounts_of_item(session, item_id)
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
