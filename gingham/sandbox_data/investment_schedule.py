"""What happens in a generated investment account on a given day: contributions on pay days,
purchases, dividends and interest on each security's payment days, rebalancing twice a year, fees
at quarter ends. Each day depends on nothing but the day, the seed and the portfolio."""

from __future__ import annotations

import calendar
from datetime import date

from gingham.sandbox_data.investment_portfolios import (
    BROKERAGE,
    CRYPTO,
    PLAN_SUBTYPES,
    Activity,
    InvestmentAccount,
    Portfolio,
    Position,
    kind_of,
    price_on,
    value_of,
)
from gingham.sandbox_data.securities import Security
from gingham.sandbox_data.seeds import rng, seed_of


def day_activity(
    seed: str, account: InvestmentAccount, held: Portfolio, day: date
) -> list[Activity]:
    """What happens in the account on `day` (after its history starts), in order, unkeyed."""
    today: list[Activity] = []
    if account.subtype in PLAN_SUBTYPES:
        today += _contributions(seed, account, held, day)
    elif kind_of(account) in (BROKERAGE, CRYPTO) and day.day == 5:
        today += _monthly_purchase(seed, account, held, day)
    today += _dividends(seed, account, held, day)
    if day.month in (1, 7) and day.day == 20 and len(_core(held)) > 1:
        today += _rebalance(seed, account, held, day)
    if _is_quarter_end(day):
        today += _fee(account, day)
    return today


def new_activity(
    account: InvestmentAccount,
    day: date,
    security: Security | None,
    type_: str,
    subtype: str,
    name: str,
    quantity: float = 0.0,
    price: float = 0.0,
    amount: float = 0.0,
    executed_at: str | None = None,
) -> Activity:
    return Activity(
        account.key,
        "",
        day,
        security,
        type_,
        subtype,
        name,
        quantity,
        price,
        round(amount, 4),
        0.0,
        executed_at,
    )


def _trade(
    seed: str,
    account: InvestmentAccount,
    day: date,
    security: Security,
    cost: float,
    subtype: str = "buy",
) -> Activity:
    """A buy (cost > 0) or sale (cost < 0) of `cost` worth of `security` at the day's price."""
    price = price_on(security, day)
    random = rng(seed, account.key, day.isoformat(), security.key, "time")
    executed = f"{day.isoformat()}T{random.randint(14, 19):02d}:{random.randint(0, 59):02d}:{random.randint(0, 59):02d}Z"
    kind = "buy" if cost > 0 else "sell"
    verb = {"buy": "BUY", "sell": "SELL", "dividend reinvestment": "REINVEST"}[subtype]
    return new_activity(
        account,
        day,
        security,
        kind,
        subtype,
        f"{verb} {security.name}",
        round(cost / price, 6),
        price,
        cost,
        executed,
    )


def _contributions(
    seed: str, account: InvestmentAccount, held: Portfolio, day: date
) -> list[Activity]:
    # A retirement plan is paid into on the 15th and the last day of every month.
    if day.day != 15 and day.day != calendar.monthrange(day.year, day.month)[1]:
        return []
    random = rng(seed, account.key, day.isoformat(), "contribution")
    own = round(account.opening_balance * 0.004 * random.uniform(0.95, 1.05), 2)
    match = round(own * 0.5, 2)
    entries = [
        new_activity(
            account, day, None, "cash", "contribution", "EMPLOYEE CONTRIBUTION", amount=-own
        ),
        new_activity(account, day, None, "cash", "contribution", "EMPLOYER MATCH", amount=-match),
    ]
    return entries + _spread(seed, account, held, day, round(own + match, 2))


def _spread(
    seed: str, account: InvestmentAccount, held: Portfolio, day: date, total: float
) -> list[Activity]:
    """Buys of every position in proportion to the portfolio, costing exactly `total`."""
    values = [value_of(p.quantity, p.security.close_price) for p in held.positions]
    worth = sum(values)
    if worth <= 0 or total <= 0:
        return []
    costs = [round(total * value / worth, 2) for value in values]
    costs[-1] = round(total - sum(costs[:-1]), 2)
    return [
        _trade(seed, account, day, position.security, cost)
        for position, cost in zip(held.positions, costs, strict=True)
        if cost > 0
    ]


def _monthly_purchase(
    seed: str, account: InvestmentAccount, held: Portfolio, day: date
) -> list[Activity]:
    """A deposit invested in one core position, in turn; sized on that position so that two
    years of purchases never outgrow it (the opening transfer stays positive)."""
    core = _core(held)
    if not core:
        return []
    position = core[(day.year * 12 + day.month) % len(core)]
    random = rng(seed, account.key, day.isoformat(), "purchase")
    cost = round(
        value_of(position.quantity, position.security.close_price) * random.uniform(0.01, 0.03), 2
    )
    if cost < 1:
        return []
    return [
        new_activity(account, day, None, "cash", "deposit", "ACH DEPOSIT", amount=-cost),
        _trade(seed, account, day, position.security, cost),
    ]


def _core(held: Portfolio) -> list[Position]:
    """The positions bought and sold over time: all but options, which are held as they were."""
    return [p for p in held.positions if p.security.subtype != "option"]


def _dividends(seed: str, account: InvestmentAccount, held: Portfolio, day: date) -> list[Activity]:
    paid: list[Activity] = []
    for position in held.positions:
        security = position.security
        if security.yield_rate <= 0 or not _pays_on(security, day):
            continue
        periods = 2 if security.type == "fixed income" else 4
        amount = round(position.quantity * security.close_price * security.yield_rate / periods, 2)
        if amount < 0.01:
            continue
        if security.type == "fixed income":
            paid.append(
                new_activity(
                    account,
                    day,
                    security,
                    "cash",
                    "interest",
                    f"INTEREST RECEIVED {security.name}",
                    amount=-amount,
                )
            )
            continue
        paid.append(
            new_activity(
                account,
                day,
                security,
                "cash",
                "dividend",
                "INCOME DIV DIVIDEND RECEIVED",
                amount=-amount,
            )
        )
        # Retirement plans reinvest dividends at once.
        if account.subtype in PLAN_SUBTYPES:
            paid.append(_trade(seed, account, day, security, amount, "dividend reinvestment"))
    return paid


def _pays_on(security: Security, day: date) -> bool:
    """Quarterly (bonds: half-yearly) on a day of the month fixed per security."""
    payday = 8 + seed_of("payday", security.key) % 18
    months = (5, 11) if security.type == "fixed income" else (3, 6, 9, 12)
    return day.month in months and day.day == payday


def _rebalance(seed: str, account: InvestmentAccount, held: Portfolio, day: date) -> list[Activity]:
    """Sell a slice of one position and buy another with exactly the proceeds."""
    random = rng(seed, account.key, day.isoformat(), "rebalance")
    sold, bought = random.sample(_core(held), 2)
    worth = min(value_of(p.quantity, p.security.close_price) for p in (sold, bought))
    proceeds = round(worth * random.uniform(0.04, 0.08), 2)
    if proceeds < 1:
        return []
    return [
        _trade(seed, account, day, sold.security, -proceeds, "sell"),
        _trade(seed, account, day, bought.security, proceeds),
    ]


def _is_quarter_end(day: date) -> bool:
    return day.month % 3 == 0 and day.day == calendar.monthrange(day.year, day.month)[1]


def _fee(account: InvestmentAccount, day: date) -> list[Activity]:
    # 0.25% a year, far below what dividends bring in, so the cash never runs dry.
    amount = round(account.opening_balance * 0.0025 / 4, 2)
    if amount < 0.01:
        return []
    subtype, name = (
        ("management fee", "PLAN ADMINISTRATION FEE")
        if account.subtype in PLAN_SUBTYPES
        else ("account fee", "QUARTERLY ACCOUNT FEE")
    )
    return [new_activity(account, day, None, "fee", subtype, name, amount=amount)]
