"""The records the transaction generator deals in: what it is told about an account, and the
transactions it gives back, in Plaid's terms. `gingham.sandbox_data.transactions` re-exports them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
    # "business" for a business account (its card buys hosting and office supplies), else
    # "personal" or None. Without it, a name containing "business" marks a business account.
    holder_category: str | None = None


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
