"""Generated holdings and investment transactions of a bank login's investment accounts.

An account's portfolio is fixed by the login's seed, the account and its balance on the day the
Item was linked (the anchor): on that day its holdings are worth exactly that balance. Activity is
a pure function of the day — contributions on pay days, dividends on each security's payment
days, fees at quarter ends, rebalancing twice a year — so generating two adjacent windows gives
exactly what generating their union gives, and what was served never changes as the sandbox
clock moves. The history starts 24 months before the anchor with a transfer-in of the opening
positions, sized so that the activity since then adds up to the holdings on the anchor; after the
anchor, quantities and cash move by exactly the activity, and so does the account's balance.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from gingham.sandbox_data.investment_portfolios import (
    Activity,
    Holding,
    InvestmentAccount,
    Position,
    portfolio,
    price_on,
    value_of,
)
from gingham.sandbox_data.investment_schedule import day_activity, new_activity
from gingham.sandbox_data.securities import CASH
from gingham.sandbox_data.seeds import rng

__all__ = [
    "Activity",
    "Holding",
    "InvestmentAccount",
    "activity",
    "balance",
    "holdings",
    "price_on",
]


def activity(seed: str, account: InvestmentAccount, start: date, end: date) -> list[Activity]:
    """Every investment transaction of `account` dated `start` to `end` inclusive, in date order."""
    first = max(start, account.history_start)
    found: list[Activity] = []
    day = first
    while day <= end:
        found.extend(_day_of(seed, account, day))
        day += timedelta(days=1)
    return found


def _day_of(seed: str, account: InvestmentAccount, day: date) -> list[Activity]:
    if day < account.history_start:
        return []
    if day == account.history_start:
        return _opening(seed, account)
    today = day_activity(seed, account, portfolio(seed, account), day)
    return [
        _keyed(entry, f"{account.key}:{day.isoformat()}:{index}")
        for index, entry in enumerate(today)
    ]


def _keyed(entry: Activity, key: str) -> Activity:
    return Activity(
        entry.account_key,
        key,
        entry.date,
        entry.security,
        entry.type,
        entry.subtype,
        entry.name,
        entry.quantity,
        entry.price,
        entry.amount,
        entry.fees,
        entry.executed_at,
    )


@lru_cache(maxsize=256)
def _since_opening(seed: str, account: InvestmentAccount) -> tuple[dict[str, float], float]:
    """How much each position and the cash changed from the opening transfer to the anchor."""
    moved: dict[str, float] = {}
    cash = 0.0
    for entry in activity(seed, account, account.history_start + timedelta(days=1), account.anchor):
        cash += entry.cash_change
        if entry.security is not None and entry.quantity:
            moved[entry.security.key] = moved.get(entry.security.key, 0.0) + entry.quantity
    return moved, cash


def _opening(seed: str, account: InvestmentAccount) -> list[Activity]:
    """The positions the account came with, 24 months before the anchor."""
    held = portfolio(seed, account)
    moved, cash_moved = _since_opening(seed, account)
    day = account.history_start
    opened: list[Activity] = []
    for position in held.positions:
        quantity = round(position.quantity - moved.get(position.security.key, 0.0), 6)
        if quantity > 0:
            opened.append(
                new_activity(
                    account,
                    day,
                    position.security,
                    "transfer",
                    "transfer",
                    f"TRANSFER IN {position.security.name}",
                    quantity,
                    price_on(position.security, day),
                )
            )
    # To the hundredth of a cent, as balances are: the opening cash makes the history add up.
    cash = round(held.cash - cash_moved, 4)
    if cash > 0:
        opened.append(
            new_activity(
                account, day, None, "cash", "deposit", "ACCOUNT TRANSFER DEPOSIT", amount=-cash
            )
        )
    elif cash < 0:
        opened.append(
            new_activity(
                account,
                day,
                None,
                "cash",
                "withdrawal",
                "ACCOUNT TRANSFER WITHDRAWAL",
                amount=-cash,
            )
        )
    return [_keyed(entry, f"{account.key}:open:{index}") for index, entry in enumerate(opened)]


def holdings(seed: str, account: InvestmentAccount, on: date) -> list[Holding]:
    """The account's holdings at the end of `on` (the anchor's, for days before it), cash last."""
    held = portfolio(seed, account)
    quantities = {p.security.key: p.quantity for p in held.positions}
    cash = held.cash
    costs = {p.security.key: _opening_cost(seed, account, p) for p in held.positions}
    if on > account.anchor:
        for entry in activity(seed, account, account.anchor + timedelta(days=1), on):
            cash += entry.cash_change
            if entry.security is not None and entry.security.key in quantities and entry.quantity:
                key = entry.security.key
                if entry.quantity > 0:
                    costs[key] += entry.amount
                else:
                    costs[key] *= 1 + entry.quantity / quantities[key]
                quantities[key] += entry.quantity
    result = []
    for position in held.positions:
        security = position.security
        quantity = round(quantities[security.key], 6)
        value = value_of(quantity, security.close_price)
        vested = round(quantity * held.vested_share, 6) if held.vested_share is not None else None
        result.append(
            Holding(
                security,
                quantity,
                security.close_price,
                value,
                round(costs[security.key], 2),
                vested,
                value_of(vested, security.close_price) if vested is not None else None,
            )
        )
    cash = round(cash, 4)
    vested_cash = cash if held.vested_share is not None else None
    result.append(Holding(CASH, cash, 1.0, cash, cash, vested_cash, vested_cash))
    return result


def _opening_cost(seed: str, account: InvestmentAccount, position: Position) -> float:
    """What the anchor-day position cost: bought at a price a little below today's close."""
    factor = rng(seed, account.key, position.security.key, "cost").uniform(0.78, 1.04)
    return position.quantity * position.security.close_price * factor


def balance(seed: str, account: InvestmentAccount, on: date) -> float:
    """The account's value at the end of `on`: the sum of its holdings."""
    return round(sum(holding.value for holding in holdings(seed, account, on)), 4)
