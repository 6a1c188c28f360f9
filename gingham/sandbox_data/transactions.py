"""Generated transactions of a bank login's depository and credit accounts.

`generate` is a pure function of the login's seed, its accounts and a window of dates, and it is
window-consistent: generating two adjacent windows gives exactly what generating their union
gives. That lets the transactions product pull history lazily and let new days accrue as the
sandbox clock moves, without ever changing what it already served.

Everything is drawn from a random stream per (login, account, month), consumed day by day from
the month's 1st, and every recurring thing (paydays, bills, transfers, trips) is scheduled from fixed epochs, never from the
window's start. A card's monthly payment is the sum of its previous month's purchases, which are
regenerated for the purpose when the window does not cover them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from gingham.sandbox_data.activity import day_of
from gingham.sandbox_data.categories import legacy_categories
from gingham.sandbox_data.custom_transactions import (
    custom_transactions,
    validate_custom_transactions,
)
from gingham.sandbox_data.login import Login
from gingham.sandbox_data.records import (
    TRANSACTION_ACCOUNT_TYPES,
    AccountProfile,
    GeneratedTransaction,
    PersonalFinanceCategory,
)

__all__ = [
    "TRANSACTION_ACCOUNT_TYPES",
    "AccountProfile",
    "GeneratedTransaction",
    "PersonalFinanceCategory",
    "generate",
    "legacy_categories",
    "validate_custom_transactions",
]


def generate(
    seed: str, accounts: Sequence[AccountProfile], start: date, end: date
) -> list[GeneratedTransaction]:
    """Every transaction of `accounts` dated `start` to `end` inclusive, ordered by date, then
    account (in the order given), then key.

    Pass every account of the login, not only those an Item shares: transfers between the
    owner's accounts, card payments and loan payments out of checking follow from which accounts
    the login holds, so an account's history is only stable if its siblings are known. Accounts
    of other types (investment, loan) have no transactions here but are taken into account.
    """
    login = Login(seed, accounts)
    order = {account.key: position for position, account in enumerate(accounts)}
    generated: list[GeneratedTransaction] = []
    custom: list[GeneratedTransaction] = []
    generated_accounts = []
    for account in accounts:
        if account.type not in TRANSACTION_ACCOUNT_TYPES:
            continue
        if account.custom_transactions is not None:
            custom.extend(custom_transactions(account, start, end))
        else:
            generated_accounts.append(account)
    # Each account's month draws from one random stream, so a month is always generated from its
    # 1st; the days before the window are generated and dropped.
    day = start.replace(day=1)
    while day <= end:
        for account in generated_accounts:
            made = day_of(login, account, day)
            if day >= start:
                generated.extend(made)
        day += timedelta(days=1)
    if custom:
        generated.extend(custom)
        generated.sort(key=lambda t: (t.date, order[t.account_key], t.key))
    return generated
