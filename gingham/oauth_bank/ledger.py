"""What the simulated bank holds: each user's accounts, their numbers, and the data it can share.

Every bank user holds Plaid's default sandbox accounts, and any the bank simulation opened for
them (gingham.bank.logins). Account ids and account numbers are derived from (institution,
username, mask), so the same login sees the same accounts at every visit, across restarts and
databases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from gingham.bank.accounts import DEFAULT_ACCOUNTS, AccountTemplate, home_currency
from gingham.bank.logins import added_accounts, login_id, state_of
from gingham.institutions.catalogue import Behaviour, SandboxInstitution

SANDBOX_USERNAME: Final = "sandbox-user"


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    label: str
    # The Plaid product the institution must support for the bank to offer this data at all.
    product: str | None


# `accounts` comes with every consent: no other data makes sense without the accounts it is about.
SCOPES: Final = (
    Scope("accounts", "Account details and balances", None),
    Scope("transactions", "Transactions", "transactions"),
    Scope("identity", "Account holder name, address, email and phone", "identity"),
    Scope("auth", "Account and routing numbers", "auth"),
)
SCOPE_NAMES: Final = tuple(scope.name for scope in SCOPES)
REQUIRED_SCOPE: Final = "accounts"


def offered_scopes(institution: SandboxInstitution) -> list[Scope]:
    return [s for s in SCOPES if s.product is None or institution.supports(s.product)]


@dataclass(frozen=True, slots=True)
class HeldAccount:
    account_id: str
    template: AccountTemplate
    account_number: str
    iso_currency_code: str

    @property
    def mask(self) -> str | None:
        return self.template.mask


def bank_username(entered: str) -> str:
    # As in Plaid's sandbox, any username works, even a blank one.
    return entered.strip() or SANDBOX_USERNAME


def bank_user_id(institution_id: str, username: str) -> str:
    """The bank's stable, opaque id for a user (an OpenID `sub`): the same login, the same id."""
    return login_id(institution_id, username)


def _digits(*parts: str, count: int) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return str(int.from_bytes(digest, "big") % 10**count).zfill(count)


def bank_account_id(institution_id: str, username: str, key: str) -> str:
    digest = hashlib.sha256(f"{institution_id}\x1f{username}\x1f{key}".encode()).hexdigest()
    return f"bacc_{digest[:24]}"


def accounts_of(
    institution: SandboxInstitution, username: str, opened: Sequence[AccountTemplate] = ()
) -> list[HeldAccount]:
    """The user's accounts: the sandbox's default ones, then any `opened` since (the bank
    simulation's, gingham.bank.logins.added_accounts)."""
    currency = home_currency(institution.country_codes)
    held = []
    for position, template in enumerate((*DEFAULT_ACCOUNTS, *opened)):
        key = template.mask or f"#{position}"
        # The account number ends in the mask, as a real one does.
        number = _digits(institution.institution_id, username, key, count=8) + (
            template.mask or _digits(key, count=4)
        )
        held.append(
            HeldAccount(
                account_id=bank_account_id(institution.institution_id, username, key),
                template=template,
                account_number=number,
                iso_currency_code=template.currency or currency,
            )
        )
    return held


def accounts_held(
    session: Session, institution: SandboxInstitution, username: str
) -> list[HeldAccount]:
    """The user's accounts as of now, including those opened through the bank simulation."""
    state = state_of(session, institution.institution_id, username)
    return accounts_of(institution, username, added_accounts(state))


def _aba_number(*parts: str) -> str:
    """A well-formed ABA routing number (valid check digit) derived from `parts`."""
    first_eight = _digits(*parts, count=8)
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(first_eight, weights, strict=True))
    return first_eight + str((10 - total % 10) % 10)


def account_numbers(
    institution: SandboxInstitution, account: HeldAccount, client_id: str
) -> dict[str, Any] | None:
    """The numbers the bank shares under the `auth` scope, or None where it has no ACH numbers.

    Chase-like banks share tokenized numbers: unique to the receiving app and usable for ACH, but
    not the user's real numbers. The mask the bank shows stays the real one.
    """
    if not institution.routing_numbers:
        return None
    if institution.has(Behaviour.TOKENIZED_ACCOUNT_NUMBERS):
        return {
            "account": _digits("tokenized", client_id, account.account_id, count=16),
            "routing": _aba_number("tokenized-routing", institution.institution_id),
            "tokenized": True,
        }
    return {
        "account": account.account_number,
        "routing": institution.routing_numbers[0],
        "tokenized": False,
    }
