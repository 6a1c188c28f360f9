"""The accounts a sandbox login holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gingham.institutions.catalogue import Behaviour, SandboxInstitution

# The depository subtypes that have ACH numbers (Auth's accounts, as at Plaid by default).
ACH_SUBTYPES = frozenset({"checking", "savings", "cash management"})

# Plaid Sandbox's routing and wire routing numbers, for institutions without their own.
SANDBOX_ROUTING_NUMBER = "011401533"
SANDBOX_WIRE_ROUTING_NUMBER = "021000021"

# Plaid Sandbox's account numbers are this prefix followed by the mask ("1111222233330000").
_SANDBOX_ACCOUNT_NUMBER_PREFIX = "111122223333"


@dataclass(frozen=True, slots=True)
class AccountTemplate:
    """An account as a bank holds it.

    Every field is a plain value so that Link can keep templates in its session state as JSON.
    """

    name: str
    official_name: str | None
    mask: str | None
    type: str
    subtype: str | None
    available: float | None
    current: float | None
    limit: float | None = None
    # None means the institution's home currency.
    currency: str | None = None
    holder_category: str | None = None
    # ACH numbers, for accounts that have them. Without a routing number the account is at the
    # institution's own (see ach_numbers).
    account_number: str | None = None
    routing_number: str | None = None
    wire_routing_number: str | None = None
    # Chase-like banks share tokenized numbers: usable for ACH, but not the real ones (the mask
    # still is).
    numbers_tokenized: bool = False
    # user_custom's per-account product data (`transactions`, `identity`, `holdings`,
    # `investment_transactions`, `liability`, `inflow_model`), served instead of the data
    # gingham.sandbox_data generates. None: generated.
    product_data: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AchNumbers:
    account: str
    routing: str
    wire_routing: str | None
    tokenized: bool


def is_ach_account(account_type: str, subtype: str | None) -> bool:
    return account_type == "depository" and subtype in ACH_SUBTYPES


def sandbox_account_number(mask: str | None, position: int) -> str:
    """A sandbox account number that ends in the account's mask, as a real one does."""
    last_digits = mask if mask and mask.isdigit() else f"{position:04d}"
    return _SANDBOX_ACCOUNT_NUMBER_PREFIX + last_digits


def ach_numbers(template: AccountTemplate, institution: SandboxInstitution) -> AchNumbers | None:
    """The account's ACH numbers at this institution, if it has any.

    Only the accounts Auth serves have them: a bank's numbers for, say, a credit card are not ACH
    numbers.
    """
    if template.account_number is None or not is_ach_account(template.type, template.subtype):
        return None
    if template.routing_number is not None:
        return AchNumbers(
            template.account_number,
            template.routing_number,
            template.wire_routing_number,
            template.numbers_tokenized,
        )
    # An account at the institution's own routing number. ACH is American: elsewhere, such an
    # account has no ACH numbers.
    if "US" not in institution.country_codes:
        return None
    return AchNumbers(
        template.account_number,
        institution.routing_numbers[0] if institution.routing_numbers else SANDBOX_ROUTING_NUMBER,
        template.wire_routing_number or SANDBOX_WIRE_ROUTING_NUMBER,
        # Chase's numbers are tokenized however the Item was made.
        template.numbers_tokenized or institution.has(Behaviour.TOKENIZED_ACCOUNT_NUMBERS),
    )


# Plaid's `user_good` account set: names, masks, types and balances as Plaid's Sandbox returns them.
DEFAULT_ACCOUNTS: tuple[AccountTemplate, ...] = (
    AccountTemplate(
        "Plaid Checking",
        "Plaid Gold Standard 0% Interest Checking",
        "0000",
        "depository",
        "checking",
        100,
        110,
        account_number=sandbox_account_number("0000", 0),
    ),
    AccountTemplate(
        "Plaid Saving",
        "Plaid Silver Standard 0.1% Interest Saving",
        "1111",
        "depository",
        "savings",
        200,
        210,
        account_number=sandbox_account_number("1111", 1),
    ),
    AccountTemplate(
        "Plaid CD", "Plaid Bronze Standard 0.2% Interest CD", "2222", "depository", "cd", None, 1000
    ),
    AccountTemplate(
        "Plaid Credit Card",
        "Plaid Diamond 12.5% APR Interest Credit Card",
        "3333",
        "credit",
        "credit card",
        None,
        410,
        limit=2000,
    ),
    AccountTemplate(
        "Plaid Money Market",
        "Plaid Platinum Standard 1.85% Interest Money Market",
        "4444",
        "depository",
        "money market",
        43200,
        43200,
    ),
    AccountTemplate("Plaid IRA", None, "5555", "investment", "ira", None, 320.76),
    AccountTemplate("Plaid 401k", None, "6666", "investment", "401k", None, 23631.9805),
    AccountTemplate("Plaid Student Loan", None, "7777", "loan", "student", None, 65262),
    AccountTemplate("Plaid Mortgage", None, "8888", "loan", "mortgage", None, 56302.06),
    AccountTemplate(
        "Plaid HSA", "Plaid Cares Health Savings Account", "9001", "depository", "hsa", 6009, 6009
    ),
    AccountTemplate(
        "Plaid Cash Management",
        "Plaid Growth Cash Management",
        "9002",
        "depository",
        "cash management",
        12060,
        12060,
        account_number=sandbox_account_number("9002", 10),
    ),
    AccountTemplate(
        "Plaid Business Credit Card",
        "Plaid Platinum Small Business Credit Card",
        "9999",
        "credit",
        "credit card",
        None,
        5020,
        limit=10000,
        holder_category="business",
    ),
)

HOME_CURRENCY = {"US": "USD", "CA": "CAD", "GB": "GBP"}


def home_currency(country_codes: tuple[str, ...]) -> str:
    first = country_codes[0] if country_codes else "US"
    return HOME_CURRENCY.get(first, "EUR")
