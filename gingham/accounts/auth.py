"""Auth: the accounts that have numbers, and their numbers outside ACH (IBAN and BIC of European
accounts, sort code and account number of UK ones).

Numbers outside ACH are not stored with the account: like the ACH numbers of the sandbox logins they are a pure
function of the bank login and the account (its mask), so they are derived when /auth/get asks,
the same for every Item, client and database that reaches that login (see
gingham.sandbox_data.bank_numbers). At an OAuth bank the user shares them with the same `auth`
consent as ACH numbers, which /auth/get checks first. user_custom's `international_iban`,
`international_bic` and `bacs_sort_code` replace them (kept in the account's product data).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.bank.accounts import is_ach_account
from gingham.institutions.catalogue import find as find_institution
from gingham.items.models import ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.sandbox_data.bank_numbers import (
    Bacs,
    International,
    bacs_numbers,
    bic_of,
    international_numbers,
)
from gingham.sandbox_data.residence import (
    BACS_COUNTRY,
    EUROPEAN_COUNTRIES,
    home_country,
    login_seed,
)


@dataclass(frozen=True, slots=True)
class ForeignNumbers:
    international: International | None = None
    bacs: Bacs | None = None

    def __bool__(self) -> bool:
        return self.international is not None or self.bacs is not None


_PRODUCT_DATA = select(Account.id, Account.product_data).where(
    Account.id.in_(bindparam("ids", expanding=True))
)


def product_data_of(session: Session, account_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """user_custom's product data of these accounts (those that have any)."""
    if not account_ids:
        return {}
    rows = session.connection().execute(_PRODUCT_DATA, {"ids": list(account_ids)})
    return {account_id: data for account_id, data in rows if data}


def foreign_numbers(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord]
) -> dict[str, ForeignNumbers]:
    """The IBAN/BIC and BACS numbers of those of `accounts` that have any."""
    institution = find_institution(item.institution_id) if item.institution_id else None
    seed = login_seed(item.login_id, item.id)
    country = home_country(item.institution_id, seed)
    custom = product_data_of(session, [a.id for a in accounts])
    found = {}
    for account in accounts:
        overrides: dict[str, str] = custom.get(account.id, {}).get("numbers") or {}
        numbers = ForeignNumbers()
        if overrides:
            numbers = _custom_numbers(overrides, account, seed, item)
        elif institution is not None and is_ach_account(account.type, account.subtype):
            key = account.mask or account.id
            if country in EUROPEAN_COUNTRIES or country == BACS_COUNTRY:
                numbers = ForeignNumbers(
                    international=international_numbers(
                        seed,
                        institution.institution_id,
                        institution.name,
                        country,
                        key,
                        account.mask,
                    ),
                    bacs=bacs_numbers(seed, institution.institution_id, key, account.mask)
                    if country == BACS_COUNTRY
                    else None,
                )
        if numbers:
            found[account.id] = numbers
    return found


def _custom_numbers(
    overrides: dict[str, str], account: AccountRecord, seed: str, item: ItemRecord
) -> ForeignNumbers:
    international = None
    if iban := overrides.get("international_iban"):
        institution = find_institution(item.institution_id) if item.institution_id else None
        bic = overrides.get("international_bic") or bic_of(
            institution.name if institution else "Sandbox Bank", iban[:2]
        )
        international = International(iban=iban, bic=bic)
    bacs = None
    if sort_code := overrides.get("bacs_sort_code"):
        account_number = overrides.get("account") or (
            bacs_numbers(
                seed, item.institution_id or "", account.mask or account.id, account.mask
            ).account
        )
        bacs = Bacs(account=account_number, sort_code=sort_code)
    return ForeignNumbers(international=international, bacs=bacs)


# The OAuth bank's scope for account numbers (gingham.oauth_bank.ledger.SCOPES).
_NUMBERS_SCOPE = "auth"

_OAUTH_SCOPES = select(ItemOAuthConnection.scopes).where(
    ItemOAuthConnection.item_id == bindparam("item_id")
)


@dataclass(frozen=True, slots=True)
class AuthAccounts:
    accounts: list[AccountRecord]
    # IBAN/BIC and BACS numbers by account_id, for the accounts that have them.
    foreign: dict[str, ForeignNumbers]


def accounts_with_numbers(
    session: Session, item: ItemRecord, account_ids: Sequence[str] | None = None
) -> AuthAccounts:
    """The Item's accounts that have ACH, international or BACS numbers (optionally only the
    given ones), for Auth.

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
    candidates = accounts_of_item(session, item.id, account_ids)
    foreign = foreign_numbers(session, item, candidates)
    accounts = [a for a in candidates if a.account_number is not None or a.id in foreign]
    if not accounts:
        raise errors.ItemError(
            "NO_AUTH_ACCOUNTS",
            "there are no checking, savings or cash management accounts with account numbers"
            + (" among the given account_ids" if account_ids is not None else " on this Item"),
            display_message="No valid checking or savings accounts were found at this institution.",
        )
    return AuthAccounts(accounts, foreign)
