"""The liabilities of an Item's credit cards, student loans and mortgages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.bank.accounts import DEFAULT_ACCOUNTS
from gingham.items.service import ItemRecord
from gingham.sandbox_data import liabilities as generator
from gingham.sandbox_data.liabilities import InvalidCustomData, LiabilityAccount
from gingham.sandbox_data.liability_overrides import apply_override

KINDS = ("credit", "mortgage", "student")
_GENERATORS = {
    "credit": generator.credit,
    "student": generator.student,
    "mortgage": generator.mortgage,
}
# Plaid's default sandbox accounts, which have Plaid's documented liabilities.
_PLAID_DEFAULTS = {(t.mask, t.name, t.type, t.subtype) for t in DEFAULT_ACCOUNTS}


def require_liability_accounts(session: Session, item: ItemRecord) -> None:
    if not liability_accounts(session, item):
        raise errors.ItemError(
            "NO_LIABILITY_ACCOUNTS",
            "this Item has no credit card, student loan or mortgage accounts, which Liabilities "
            "needs",
            display_message="No liability accounts were found for this Item.",
        )


def liability_accounts(session: Session, item: ItemRecord) -> dict[str, str]:
    """account_id → kind (credit, student, mortgage) of the Item's liability accounts."""
    found = {}
    for account in accounts_of_item(session, item.id):
        kind = _profile(account, 0).kind
        if kind is not None:
            found[account.id] = kind
    return found


def liabilities_of(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord], today: date
) -> dict[str, list[dict[str, Any]]]:
    """Each kind's liabilities among `accounts`, generated for `today` with user_custom's
    overrides applied (a bad override is INVALID_FIELD naming the field)."""
    rows = session.execute(
        select(Account.id, Account.position, Account.product_data).where(
            Account.id.in_([a.id for a in accounts])
        )
    )
    stored = {account_id: (position, data) for account_id, position, data in rows}
    seed = item.login_id or item.id
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for account in accounts:
        position, product_data = stored[account.id]
        profile = _profile(account, position)
        if profile.kind is None:
            continue
        liability = _GENERATORS[profile.kind](seed, profile, today)
        override = (product_data or {}).get("liability")
        if override is not None:
            where = f"the user_custom override account with mask {account.mask}: liability"
            try:
                liability = apply_override(profile.kind, liability, override, where)
            except InvalidCustomData as problem:
                raise errors.invalid_field(str(problem)) from None
        found[profile.kind].append({"account_id": account.id, **liability})
    return found


def _profile(account: AccountRecord, position: int) -> LiabilityAccount:
    return LiabilityAccount(
        key=account.mask or str(position),
        name=account.name,
        type=account.type,
        subtype=account.subtype,
        current_balance=account.current_balance,
        plaid_default=(account.mask, account.name, account.type, account.subtype)
        in _PLAID_DEFAULTS,
    )


def updated_since_linked(session: Session, item: ItemRecord, today: date) -> dict[str, list[str]]:
    """account_id → the liability fields that changed between the day the Item was linked and
    `today` (new statements, payments), for the accounts where any did."""
    accounts = [
        account
        for account in accounts_of_item(session, item.id)
        if _profile(account, 0).kind is not None
    ]
    then = liabilities_of(session, item, accounts, item.created_at.date())
    now = liabilities_of(session, item, accounts, today)
    changed = {}
    for kind in KINDS:
        for before, after in zip(then[kind], now[kind], strict=True):
            fields = sorted(key for key in after if after[key] != before.get(key))
            if fields:
                changed[after["account_id"]] = fields
    return changed
