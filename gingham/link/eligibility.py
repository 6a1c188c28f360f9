"""Which of a login's accounts Link offers, given the link token's products and account_filters.

Link shows only accounts that every requested product can use. Without account_filters, Auth
narrows the choice to checking, savings and cash management accounts, as at Plaid; with
account_filters, types not named are hidden entirely and "all" admits every subtype of a type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gingham import errors
from gingham.bank.accounts import ACH_SUBTYPES, AccountTemplate

# The account types each product works with; products not listed work with every type.
_PRODUCT_TYPES: dict[str, frozenset[str]] = {
    "auth": frozenset({"depository"}),
    "transactions": frozenset({"depository", "credit", "loan"}),
    "investments": frozenset({"investment"}),
    "liabilities": frozenset({"credit", "loan"}),
    "assets": frozenset({"depository", "investment"}),
    "statements": frozenset({"depository", "credit"}),
    "signal": frozenset({"depository"}),
    "transfer": frozenset({"depository"}),
}

# The error Link reports when none of the login's accounts can serve a product.
_NO_ACCOUNTS_CODES = {
    "auth": "NO_AUTH_ACCOUNTS",
    "investments": "NO_INVESTMENT_ACCOUNTS",
    "liabilities": "NO_LIABILITY_ACCOUNTS",
}


def _admitted_by_filters(account: AccountTemplate, filters: dict[str, Any]) -> bool:
    rule = filters.get(account.type)
    if not isinstance(rule, dict):
        return False
    subtypes = rule.get("account_subtypes") or []
    return "all" in subtypes or account.subtype in subtypes


def eligible_accounts(
    accounts: Sequence[AccountTemplate],
    products: Sequence[str],
    account_filters: dict[str, Any] | None,
) -> list[AccountTemplate]:
    eligible = []
    for account in accounts:
        if any(
            account.type not in _PRODUCT_TYPES.get(p, frozenset({account.type})) for p in products
        ):
            continue
        if account_filters:
            if not _admitted_by_filters(account, account_filters):
                continue
        elif "auth" in products and account.subtype not in ACH_SUBTYPES:
            continue
        eligible.append(account)
    return eligible


def no_eligible_accounts(products: Sequence[str]) -> errors.PlaidError:
    code = next((_NO_ACCOUNTS_CODES[p] for p in products if p in _NO_ACCOUNTS_CODES), "NO_ACCOUNTS")
    return errors.ItemError(
        code,
        "no valid accounts were found at the financial institution for the requested products: "
        + ", ".join(products),
        display_message="No compatible accounts were found at this institution. Please try a different account or institution.",
    )
