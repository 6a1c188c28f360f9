"""The figures on a statement: its opening and closing balances, its totals, and the month's
transactions with the balance after each.

They come from where the rest of Gingham gets them, so that a statement agrees with the API:
the transactions from the same generator /transactions/get serves (given every account of the
login, then narrowed to this one), and the balances walked back from the account's balance
today through them (gingham.sandbox_data.balances), so the closing balance is the balance at
the end of the statement's last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from gingham.items.service import ItemRecord
from gingham.sandbox_data.balances import daily_balances
from gingham.sandbox_data.records import GeneratedTransaction
from gingham.sandbox_data.transactions import generate
from gingham.statements.service import Statement
from gingham.transactions.pulls import bank_accounts, seed_of

# Accounts whose balance is what the user owes: a purchase raises it.
_OWED_TYPES = frozenset({"credit", "loan"})


@dataclass(frozen=True, slots=True)
class Line:
    date: date
    description: str
    # Plaid's sign: positive is money out of the account, negative is money in.
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class StatementFigures:
    currency: str
    opening_balance: Decimal
    closing_balance: Decimal
    # Money into the account (deposits; payments and credits on a card), as a positive sum.
    money_in: Decimal
    # Money out of it (withdrawals; purchases and charges on a card), as a positive sum.
    money_out: Decimal
    lines: list[Line]
    owed: bool


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def figures_of(
    session: Session, item: ItemRecord, statement: Statement, today: date
) -> StatementFigures:
    account = statement.account
    profiles = bank_accounts(session, item.id)
    profile = next(p.profile for p in profiles if p.account_id == account.id)
    start, end = statement.month.period_start, statement.month.period_end
    everything = generate(seed_of(item), [p.profile for p in profiles], start, today)
    own: list[GeneratedTransaction] = [t for t in everything if t.account_key == profile.key]
    balances = daily_balances(
        current_balance=profile.current_balance or 0.0,
        account_type=account.type,
        transactions=own,
        start=start - timedelta(days=1),
        today=today,
    )
    owed = account.type in _OWED_TYPES
    opening = _money(balances[start - timedelta(days=1)])
    running = opening
    lines = []
    money_in = money_out = Decimal(0)
    for transaction in own:
        if transaction.date > end:
            break
        amount = _money(transaction.amount)
        running = running + amount if owed else running - amount
        if amount < 0:
            money_in -= amount
        else:
            money_out += amount
        lines.append(Line(transaction.date, transaction.name, amount, running))
    return StatementFigures(
        currency=profile.iso_currency_code,
        opening_balance=opening,
        closing_balance=_money(balances[end]),
        money_in=money_in,
        money_out=money_out,
        lines=lines,
        owed=owed,
    )
