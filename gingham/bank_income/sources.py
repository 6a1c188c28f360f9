"""Income sources read from an Item's deposits: the bank's transactions of its depository
accounts, grouped by who paid them, as Plaid's Bank Income reports them.

A deposit is income when the bank categorises it as income (personal finance category INCOME:
wages, interest, tax refunds, pensions, benefits…). Transfers are not, whichever way the bank
describes them: money moved in from the user's own accounts or a payment app, and an employer's
HSA contribution (part of pay the user never receives), are left out.
"""

from __future__ import annotations

import itertools
import statistics
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from gingham.sandbox_data.transactions import GeneratedTransaction, generate
from gingham.transactions.pulls import PENDING_DAYS, BankAccount
from gingham.transactions.recurring import add_months_to_date
from gingham.transactions.schemas import transaction_id

# Plaid's income_category for each detailed personal finance category of income.
_CATEGORIES = {
    "INCOME_WAGES": "SALARY",
    "INCOME_INTEREST_EARNED": "BANK_INTEREST",
    "INCOME_TAX_REFUND": "TAX_REFUND",
    "INCOME_RETIREMENT_PENSION": "RETIREMENT",
    "INCOME_UNEMPLOYMENT": "UNEMPLOYMENT",
    "INCOME_MILITARY": "MILITARY",
    "INCOME_DIVIDENDS": "OTHER",
    "INCOME_OTHER_INCOME": "OTHER",
}
# (largest median gap in days between deposits, Plaid's pay_frequency); beyond: UNKNOWN.
_FREQUENCIES = (
    (2, "DAILY"),
    (10, "WEEKLY"),
    (15, "BIWEEKLY"),
    (20, "SEMI_MONTHLY"),
    (35, "MONTHLY"),
)
# Income source ids are stable across a user's reports: a name-based UUID of the source.
_SOURCE_NAMESPACE = uuid.UUID("5b0f7f4e-1c44-4d7e-9a51-6a1c3f0e2b71")


@dataclass(frozen=True, slots=True)
class Deposit:
    transaction_id: str
    account_id: str
    date: date
    # Positive: the money received (Plaid's transactions carry it negative).
    amount: float
    name: str
    iso_currency_code: str | None
    check_number: str | None


@dataclass(frozen=True, slots=True)
class IncomeSource:
    income_source_id: str
    account_id: str
    description: str
    category: str
    # Oldest first.
    deposits: tuple[Deposit, ...]

    @property
    def total(self) -> float:
        return round(sum(d.amount for d in self.deposits), 2)

    @property
    def pay_frequency(self) -> str:
        if len(self.deposits) < 2:
            return "UNKNOWN"
        dates = [d.date for d in self.deposits]
        gap = statistics.median((b - a).days for a, b in itertools.pairwise(dates))
        return next((name for limit, name in _FREQUENCIES if gap <= limit), "UNKNOWN")


@dataclass(frozen=True, slots=True)
class Window:
    """The days a report covers: `days_requested` back from its date, less the last days whose
    transactions are still pending (a report reads posted transactions only)."""

    start: date
    end: date

    @classmethod
    def ending(cls, today: date, days_requested: int) -> Window:
        return cls(today - timedelta(days=days_requested - 1), today - timedelta(days=PENDING_DAYS))

    def months(self) -> list[tuple[date, date]]:
        """Each calendar month the window touches, clipped to the window."""
        months = []
        first = self.start.replace(day=1)
        while first <= self.end:
            following = add_months_to_date(first, 1)
            months.append((max(first, self.start), min(following - timedelta(days=1), self.end)))
            first = following
        return months


def _payer(transaction: GeneratedTransaction) -> str:
    for counterparty in transaction.counterparties:
        if counterparty.get("type") == "income_source" and counterparty.get("name"):
            return str(counterparty["name"])
    return transaction.name


def income_deposits(
    item_id: str, seed: str, accounts: Sequence[BankAccount], shared: set[str], window: Window
) -> list[tuple[str, str, Deposit]]:
    """(payer, income_category, deposit) of every income deposit into the shared depository
    accounts, oldest first. `accounts` are all the login's (their siblings shape their history)."""
    if window.start > window.end:
        return []
    by_key = {a.profile.key: a.account_id for a in accounts}
    depository = {a.account_id for a in accounts if a.profile.type == "depository"}
    found = []
    for generated in generate(seed, [a.profile for a in accounts], window.start, window.end):
        account_id = by_key[generated.account_key]
        category = _CATEGORIES.get(generated.personal_finance_category.detailed)
        if (
            category is None
            or generated.amount >= 0
            or account_id not in depository
            or account_id not in shared
        ):
            continue
        deposit = Deposit(
            transaction_id=transaction_id(item_id, generated.key, pending=False),
            account_id=account_id,
            date=generated.date,
            amount=round(-generated.amount, 2),
            name=generated.name,
            iso_currency_code=generated.iso_currency_code,
            check_number=generated.check_number,
        )
        found.append((_payer(generated), category, deposit))
    return found


def income_sources(
    item_id: str, deposits: Sequence[tuple[str, str, Deposit]]
) -> list[IncomeSource]:
    """The deposits grouped by account, payer and category, largest total first."""
    groups: dict[tuple[str, str, str], list[Deposit]] = defaultdict(list)
    for payer, category, deposit in deposits:
        groups[(deposit.account_id, payer, category)].append(deposit)
    sources = []
    for (account_id, payer, category), found in groups.items():
        names = [d.name for d in found]
        sources.append(
            IncomeSource(
                income_source_id=str(
                    uuid.uuid5(_SOURCE_NAMESPACE, f"{item_id}\x1f{account_id}\x1f{payer}")
                ),
                account_id=account_id,
                # Plaid: "the most common name or original description" of its transactions.
                description=max(set(names), key=lambda n: (names.count(n), n)),
                category=category,
                deposits=tuple(sorted(found, key=lambda d: (d.date, d.transaction_id))),
            )
        )
    return sorted(sources, key=lambda s: (-s.total, s.income_source_id))


def _currency(deposits: Sequence[Deposit]) -> str:
    return next((d.iso_currency_code for d in deposits if d.iso_currency_code), "USD")


def _transaction_json(deposit: Deposit) -> dict[str, Any]:
    return {
        "amount": deposit.amount,
        "date": deposit.date.isoformat(),
        "name": deposit.name,
        "original_description": deposit.name,
        "pending": False,
        "transaction_id": deposit.transaction_id,
        "check_number": deposit.check_number,
        "iso_currency_code": deposit.iso_currency_code,
        "unofficial_currency_code": None,
    }


def _amounts(deposits: Sequence[Deposit], currency: str) -> tuple[float, list[dict[str, Any]]]:
    totals: dict[str, float] = defaultdict(float)
    for deposit in deposits:
        totals[deposit.iso_currency_code or currency] += deposit.amount
    amounts = [
        {"amount": round(total, 2), "iso_currency_code": code, "unofficial_currency_code": None}
        for code, total in sorted(totals.items())
    ]
    return round(sum(d.amount for d in deposits), 2), amounts or [
        {"amount": 0.0, "iso_currency_code": currency, "unofficial_currency_code": None}
    ]


def historical_summary(deposits: Sequence[Deposit], window: Window) -> list[dict[str, Any]]:
    """One entry a month of the window, newest first, with the deposits made in it."""
    currency = _currency(deposits)
    summary = []
    for start, end in reversed(window.months()):
        month = [d for d in deposits if start <= d.date <= end]
        total, amounts = _amounts(month, currency)
        summary.append(
            {
                "total_amount": total,
                "iso_currency_code": currency,
                "unofficial_currency_code": None,
                "total_amounts": amounts,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "transactions": [_transaction_json(d) for d in reversed(month)],
            }
        )
    return summary


def source_json(source: IncomeSource, window: Window) -> dict[str, Any]:
    return {
        "income_source_id": source.income_source_id,
        "income_description": source.description,
        "income_category": source.category,
        "account_id": source.account_id,
        "start_date": source.deposits[0].date.isoformat(),
        "end_date": source.deposits[-1].date.isoformat(),
        "pay_frequency": source.pay_frequency,
        "total_amount": source.total,
        "transaction_count": len(source.deposits),
        "historical_summary": historical_summary(source.deposits, window),
    }


def summary_json(sources: Sequence[IncomeSource], window: Window) -> dict[str, Any]:
    """bank_income_summary over every source of the report's Items."""
    deposits = [d for s in sources for d in s.deposits]
    currency = _currency(deposits)
    total, amounts = _amounts(deposits, currency)
    dates = [d.date for d in deposits]
    return {
        "total_amount": total,
        "iso_currency_code": currency,
        "unofficial_currency_code": None,
        "total_amounts": amounts,
        "start_date": min(dates, default=window.start).isoformat(),
        "end_date": max(dates, default=window.end).isoformat(),
        "income_sources_count": len(sources),
        "income_categories_count": len({s.category for s in sources}),
        "income_transactions_count": len(deposits),
        "historical_summary": historical_summary(deposits, window),
    }
