"""user_custom's transactions: Plaid's override format (`date_transacted`, `date_posted`,
`amount`, `description`, optional `currency`), checked and turned into GeneratedTransactions,
categorised from their description where a merchant or a keyword gives it away."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from gingham.sandbox_data.building import EMPTY_LOCATION
from gingham.sandbox_data.categories import legacy_category, pfc_icon_url, pfc_primary
from gingham.sandbox_data.merchants import ALL_MERCHANTS, Merchant
from gingham.sandbox_data.records import (
    AccountProfile,
    GeneratedTransaction,
    PersonalFinanceCategory,
)

_FIELDS = frozenset({"date_transacted", "date_posted", "amount", "description", "currency"})
_CURRENCY = re.compile(r"^[A-Z]{3}$")

# Description keywords → (PFC for money out, PFC for money in, legacy category id), tried in
# order when no merchant's name appears in the description.
_KEYWORDS: tuple[tuple[str, str, str, str], ...] = (
    ("PAYROLL", "INCOME_WAGES", "INCOME_WAGES", "21009000"),
    ("DIRECT DEP", "INCOME_WAGES", "INCOME_WAGES", "21009000"),
    ("INTEREST", "BANK_FEES_INTEREST_CHARGE", "INCOME_INTEREST_EARNED", "15000000"),
    ("ATM", "TRANSFER_OUT_WITHDRAWAL", "TRANSFER_IN_DEPOSIT", "21012002"),
    ("OVERDRAFT", "BANK_FEES_OVERDRAFT_FEES", "BANK_FEES_OVERDRAFT_FEES", "10001000"),
    ("FEE", "BANK_FEES_OTHER_BANK_FEES", "BANK_FEES_OTHER_BANK_FEES", "10000000"),
    ("RENT", "RENT_AND_UTILITIES_RENT", "INCOME_OTHER_INCOME", "16002000"),
    ("MORTGAGE", "LOAN_PAYMENTS_MORTGAGE_PAYMENT", "LOAN_PAYMENTS_MORTGAGE_PAYMENT", "16003000"),
    ("TAX REF", "INCOME_TAX_REFUND", "INCOME_TAX_REFUND", "20001000"),
    ("TRANSFER", "TRANSFER_OUT_ACCOUNT_TRANSFER", "TRANSFER_IN_ACCOUNT_TRANSFER", "21000000"),
    ("DEPOSIT", "TRANSFER_IN_DEPOSIT", "TRANSFER_IN_DEPOSIT", "21007000"),
    ("PAYMENT", "LOAN_PAYMENTS_OTHER_PAYMENT", "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT", "16000000"),
)
_FALLBACK = ("GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE", "19000000")


def validate_custom_transactions(entries: object) -> tuple[dict[str, Any], ...]:
    """The entries, checked against Plaid's override format; a ValueError names the first bad
    one (`transactions[2].date_posted: ...`)."""
    if not isinstance(entries, Sequence) or isinstance(entries, str | bytes):
        raise ValueError("transactions must be a list of transactions")
    checked = []
    for index, entry in enumerate(entries):
        where = f"transactions[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be an object")
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise ValueError(f"{where} has unknown field {unknown[0]!r}")
        for name in ("date_transacted", "date_posted"):
            _date(entry, name, where)
        amount = entry.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValueError(f"{where}.amount must be a number")
        if amount != amount or abs(amount) > 1e12:
            raise ValueError(f"{where}.amount must be a finite number")
        description = entry.get("description")
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"{where}.description must be a non-empty string")
        currency = entry.get("currency")
        if currency is not None and (
            not isinstance(currency, str) or not _CURRENCY.match(currency)
        ):
            raise ValueError(f"{where}.currency must be an ISO-4217 currency code such as USD")
        checked.append(dict(entry))
    return tuple(checked)


def _date(entry: dict[str, Any], name: str, where: str) -> dt.date:
    value = entry.get(name)
    if not isinstance(value, str):
        raise ValueError(f"{where}.{name} must be a date in YYYY-MM-DD form")
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad(where, name)
    except ValueError:
        return _bad(where, name)


def _bad(where: str, name: str) -> dt.date:
    raise ValueError(f"{where}.{name} must be a date in YYYY-MM-DD form")


def custom_transactions(
    account: AccountProfile, start: dt.date, end: dt.date
) -> list[GeneratedTransaction]:
    """The account's user_custom transactions posted from `start` to `end` inclusive."""
    entries = validate_custom_transactions(account.custom_transactions or ())
    made = []
    for index, entry in enumerate(entries):
        posted = dt.date.fromisoformat(entry["date_posted"])
        if start <= posted <= end:
            made.append(_transaction(account, index, entry, posted))
    made.sort(key=lambda transaction: (transaction.date, transaction.key))
    return made


def _transaction(
    account: AccountProfile, index: int, entry: dict[str, Any], posted: dt.date
) -> GeneratedTransaction:
    description: str = entry["description"]
    amount = round(float(entry["amount"]), 2)
    merchant = _merchant_in(description)
    if merchant is not None:
        pfc, category_id, confidence = merchant.pfc, merchant.category_id, "HIGH"
    else:
        pfc, category_id = _FALLBACK
        confidence = "LOW"
        upper = description.upper()
        for keyword, out_pfc, in_pfc, legacy_id in _KEYWORDS:
            if keyword in upper:
                pfc = out_pfc if amount > 0 else in_pfc
                category_id, confidence = legacy_id, "MEDIUM"
                break
    primary = pfc_primary(pfc)
    return GeneratedTransaction(
        account_key=account.key,
        key=f"{account.key}:custom:{index}",
        date=posted,
        authorized_date=dt.date.fromisoformat(entry["date_transacted"]),
        amount=amount,
        iso_currency_code=entry.get("currency") or account.iso_currency_code,
        name=description,
        merchant_name=merchant.name if merchant else None,
        merchant_entity_id=merchant.entity_id if merchant else None,
        website=merchant.website if merchant else None,
        logo_url=merchant.logo_url if merchant else None,
        payment_channel=merchant.channel if merchant else "other",
        personal_finance_category=PersonalFinanceCategory(primary, pfc, confidence),
        personal_finance_category_icon_url=pfc_icon_url(primary),
        category=legacy_category(category_id).hierarchy,
        category_id=category_id,
        location=dict(EMPTY_LOCATION),
    )


# Longest names first, so "Uber Eats" wins over "Uber"; whole words only, so "UPS" is not
# found in "GROUPS".
_MERCHANT_PATTERNS = tuple(
    (re.compile(rf"\b{re.escape(merchant.name.upper())}\b"), merchant)
    for merchant in sorted(ALL_MERCHANTS.values(), key=lambda m: (-len(m.name), m.key))
)


def _merchant_in(description: str) -> Merchant | None:
    words = description.upper()
    for pattern, merchant in _MERCHANT_PATTERNS:
        if pattern.search(words):
            return merchant
    return None
