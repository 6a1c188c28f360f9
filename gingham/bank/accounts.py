"""The accounts a sandbox login holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AccountTemplate:
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
    ),
    AccountTemplate(
        "Plaid Saving",
        "Plaid Silver Standard 0.1% Interest Saving",
        "1111",
        "depository",
        "savings",
        200,
        210,
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
