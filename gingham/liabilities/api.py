"""Plaid's liabilities endpoints."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gingham import errors
from gingham.accounts.models import Account
from gingham.accounts.schemas import account_json
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.bank.accounts import DEFAULT_ACCOUNTS
from gingham.items.schemas import item_json
from gingham.products.access import open_product
from gingham.sandbox_data import liabilities as generator
from gingham.sandbox_data.liabilities import InvalidCustomData, LiabilityAccount
from gingham.sandbox_data.liability_overrides import apply_override
from gingham.wire.endpoint import Handler, JSONObject, RequestContext

PRODUCT = "liabilities"
_GENERATORS = {
    "credit": generator.credit,
    "student": generator.student,
    "mortgage": generator.mortgage,
}
# Plaid's default sandbox accounts, which have Plaid's documented liabilities.
_PLAID_DEFAULTS = {(t.mask, t.name, t.type, t.subtype) for t in DEFAULT_ACCOUNTS}


def get_liabilities(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = open_product(ctx, body, PRODUCT)
    item = access.item
    if not any(_profile(a, 0).kind for a in accounts_of_item(ctx.session, item.id)):
        raise errors.ItemError(
            "NO_LIABILITY_ACCOUNTS",
            "this Item has no credit card, student loan or mortgage accounts, which Liabilities "
            "needs",
            display_message="No liability accounts were found for this Item.",
        )
    positions = ctx.session.execute(
        select(Account.id, Account.position).where(Account.id.in_([a.id for a in access.accounts]))
    )
    stored = {account_id: position for account_id, position in positions}
    custom = _custom_data(ctx, access.accounts)
    seed = item.login_id or item.id
    today = ctx.now.date()
    found: dict[str, list[JSONObject]] = {"credit": [], "mortgage": [], "student": []}
    for account in access.accounts:
        profile = _profile(account, stored[account.id])
        if profile.kind is None:
            continue
        liability = _GENERATORS[profile.kind](seed, profile, today)
        override = (custom.get(account.id) or {}).get("liability")
        if override is not None:
            where = f"the user_custom override account with mask {account.mask}: liability"
            try:
                liability = apply_override(profile.kind, liability, override, where)
            except InvalidCustomData as problem:
                raise errors.invalid_field(str(problem)) from None
        found[profile.kind].append({"account_id": account.id, **liability})
    return {
        "accounts": [account_json(account) for account in access.accounts],
        "item": item_json(item),
        # A kind the accounts asked for do not have is null, as at Plaid.
        "liabilities": {kind: entries or None for kind, entries in found.items()},
    }


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


def _custom_data(ctx: RequestContext, accounts: list[AccountRecord]) -> dict[str, Any]:
    rows = ctx.session.execute(
        select(Account.id, Account.product_data).where(Account.id.in_([a.id for a in accounts]))
    )
    return {account_id: data for account_id, data in rows if data}


# Path → handler, wired by gingham.app.
ENDPOINTS: dict[str, Handler] = {"/liabilities/get": get_liabilities}
