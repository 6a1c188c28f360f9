"""Generated transactions of a bank login's depository and credit accounts.

`generate` is a pure function of the login's seed, its accounts and a window of dates, and it is
window-consistent: generating two adjacent windows gives exactly what generating their union
gives. That lets the transactions product pull history lazily and let new days accrue as the
sandbox clock moves, without ever changing what it already served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from gingham.sandbox_data.seeds import rng

# Account types that have transactions (investment accounts have investment transactions).
TRANSACTION_ACCOUNT_TYPES = frozenset({"depository", "credit"})


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """What the generator needs to know about one account of the login."""

    # Stable within the login whatever Item shares the account: its mask, or its position.
    key: str
    type: str
    subtype: str | None
    name: str
    iso_currency_code: str
    current_balance: float | None
    # user_custom's `transactions` for this account (Plaid's override format); when set, these
    # are the account's only transactions.
    custom_transactions: tuple[dict[str, Any], ...] | None = None


@dataclass(frozen=True, slots=True)
class PersonalFinanceCategory:
    primary: str
    detailed: str
    confidence_level: str


@dataclass(frozen=True, slots=True)
class GeneratedTransaction:
    """One transaction as the bank reports it once posted, in Plaid's terms."""

    account_key: str
    # Unique within the login and the same on every run: the transactions product derives its
    # transaction_id from it.
    key: str
    date: dt.date
    authorized_date: dt.date | None
    # Plaid's sign: positive is money out of the account, negative is money in.
    amount: float
    iso_currency_code: str
    # The bank's description (Plaid's `name` and `original_description`).
    name: str
    merchant_name: str | None
    merchant_entity_id: str | None
    website: str | None
    logo_url: str | None
    # "online", "in store" or "other".
    payment_channel: str
    personal_finance_category: PersonalFinanceCategory
    personal_finance_category_icon_url: str | None
    # Plaid's legacy category hierarchy and its id (/categories/get).
    category: tuple[str, ...]
    category_id: str | None
    # Plaid's `location` object; every key present, unknown ones None.
    location: dict[str, Any]
    # Plaid's `counterparties` entries.
    counterparties: tuple[dict[str, Any], ...] = ()
    transaction_code: str | None = None
    check_number: str | None = None
    authorized_datetime: dt.datetime | None = None
    datetime: dt.datetime | None = None
    # The recurring series it belongs to ("payroll", "rent", "subscription:netflix"…), None for
    # one-off spending: /transactions/recurring/get groups by it.
    stream: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def generate(
    seed: str, accounts: Sequence[AccountProfile], start: date, end: date
) -> list[GeneratedTransaction]:
    """Every transaction of `accounts` dated `start` to `end` inclusive, ordered by date, then
    account, then key."""
    generated: list[GeneratedTransaction] = []
    day = start
    while day <= end:
        for account in accounts:
            if account.type not in TRANSACTION_ACCOUNT_TYPES:
                continue
            generated.extend(_day_of(seed, account, day))
        day += timedelta(days=1)
    return generated


def _day_of(seed: str, account: AccountProfile, day: date) -> list[GeneratedTransaction]:
    # Placeholder until the full generator lands: one grocery purchase on some days.
    random = rng(seed, account.key, day.isoformat())
    if random.random() > 0.3:
        return []
    return [
        GeneratedTransaction(
            account_key=account.key,
            key=f"{account.key}:{day.isoformat()}:0",
            date=day,
            authorized_date=day,
            amount=round(random.uniform(5, 120), 2),
            iso_currency_code=account.iso_currency_code,
            name="GROCERY OUTLET #1234",
            merchant_name="Grocery Outlet",
            merchant_entity_id=None,
            website=None,
            logo_url=None,
            payment_channel="in store",
            personal_finance_category=PersonalFinanceCategory(
                "FOOD_AND_DRINK", "FOOD_AND_DRINK_GROCERIES", "VERY_HIGH"
            ),
            personal_finance_category_icon_url=None,
            category=("Shops", "Supermarkets and Groceries"),
            category_id="19047000",
            location={
                "address": None,
                "city": None,
                "region": None,
                "postal_code": None,
                "country": None,
                "lat": None,
                "lon": None,
                "store_number": None,
            },
        )
    ]
