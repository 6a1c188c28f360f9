"""An account's past balances, walked back from today's balance through its transactions.

A sandbox account's balance is the one the bank reports today; every earlier day's balance is what
it was before the transactions since then. Plaid's amounts are positive when money leaves the
account, so a depository account had more before a purchase and a credit card owed less. Asset
reports (historical balances) and statements (opening and closing balances) both read them here,
so a statement's closing balance is the asset report's balance for that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from gingham.sandbox_data.records import GeneratedTransaction

# Accounts whose balance is what the user owes: a purchase raises it.
_OWED_TYPES = frozenset({"credit", "loan"})


def daily_balances(
    *,
    current_balance: float,
    account_type: str,
    transactions: Iterable[GeneratedTransaction],
    start: date,
    today: date,
) -> dict[date, float]:
    """The balance at the end of each day from `start` to `today` inclusive.

    `transactions` are the account's, dated `start` (exclusive is enough) to `today`: each one
    dated after a day is undone from that day's balance.
    """
    by_day: dict[date, Decimal] = {}
    for transaction in transactions:
        if start < transaction.date <= today:
            by_day[transaction.date] = by_day.get(transaction.date, Decimal(0)) + Decimal(
                str(transaction.amount)
            )
    owed = account_type in _OWED_TYPES
    balance = Decimal(str(current_balance))
    balances: dict[date, float] = {}
    day = today
    while day >= start:
        balances[day] = float(balance)
        moved = by_day.get(day, Decimal(0))
        # Before `day`'s transactions: money out (positive) was still in a depository account,
        # and not yet owed on a card.
        balance = balance - moved if owed else balance + moved
        day -= timedelta(days=1)
    return balances
