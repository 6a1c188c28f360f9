"""The accounts shared through an Item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.items.models import ItemOAuthConnection
from gingham.items.service import ItemRecord


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


# The OAuth bank's scope for account and routing numbers (gingham.oauth_bank.ledger.SCOPES).
_NUMBERS_SCOPE = "auth"

_OAUTH_SCOPES = select(ItemOAuthConnection.scopes).where(
    ItemOAuthConnection.item_id == bindparam("item_id")
)


def accounts_with_numbers(
    session: Session, item: ItemRecord, account_ids: Sequence[str] | None = None
) -> list[AccountRecord]:
    """The Item's accounts that have ACH numbers (optionally only the given ones), for Auth.

    At an OAuth bank the numbers come only with the user's consent to share them: without it the
    Item has none, which is ACCESS_NOT_GRANTED rather than a lack of suitable accounts.
    """
    scopes = session.connection().execute(_OAUTH_SCOPES, {"item_id": item.id}).scalar()
    if scopes is not None and _NUMBERS_SCOPE not in scopes:
        raise errors.ItemError(
            "ACCESS_NOT_GRANTED",
            "access to account and routing numbers was not granted at the bank for this Item. "
            "Send the user through Link's update mode to share them",
            display_message="The user did not grant the necessary permissions for this product on their account.",
        )
    accounts = [
        account
        for account in accounts_of_item(session, item.id, account_ids)
        if account.account_number is not None
    ]
    if not accounts:
        raise errors.ItemError(
            "NO_AUTH_ACCOUNTS",
            "there are no checking, savings or cash management accounts with account and routing "
            "numbers"
            + (" among the given account_ids" if account_ids is not None else " on this Item"),
            display_message="No valid checking or savings accounts were found at this institution.",
        )
    return accounts
