"""The accounts shared through an Item."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account


def accounts_of_item(
    session: Session, item_id: str, account_ids: Sequence[str] | None = None
) -> list[Account]:
    """The Item's accounts in the institution's order, optionally only the given ones.

    Unknown account IDs are an error rather than silently dropped, so a caller holding a stale ID
    finds out.
    """
    accounts = list(
        session.scalars(
            select(Account).where(Account.item_id == item_id).order_by(Account.position)
        )
    )
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
