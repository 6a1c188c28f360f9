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

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from gingham.sandbox_data.securities import BY_KEY, CASH, Security
from gingham.sandbox_data.seeds import rng, seed_of

HISTORY = timedelta(days=730)

# The positions an account of each kind can hold (security keys); a portfolio draws a few.
_RETIREMENT_PLAN = ("VTTHX", "VFIAX", "DBLTX", "NHX105509", "MIPTX")
_INDIVIDUAL = ("VTI", "BND", "AAPL", "KO", "SBSI", "JNJ", "UST-4.25-2029")
_BROKERAGE = ("AAPL", "MSFT", "VTI", "BND", "AAPL-3.85-2043", "ACHN", "AAPL280121C00200000")
_CRYPTO = ("BTC",)
PLAN_SUBTYPES = frozenset(
    {
        "401k",
        "401a",
        "403B",
        "457b",
        "pension",
        "retirement",
        "keogh",
        "profit sharing plan",
        "thrift savings plan",
        "stock plan",
    }
)
INDIVIDUAL_SUBTYPES = frozenset(
    {"ira", "roth", "roth 401k", "sep ira", "simple ira", "529", "hsa", "education savings account"}
)


@dataclass(frozen=True, slots=True)
class InvestmentAccount:
    """What the generator needs to know about one investment account of the login."""

    # Stable within the login whatever Item shares the account: its mask, or its position.
    key: str
    subtype: str | None
    iso_currency_code: str
    # The account's balance on the anchor day (when the Item was linked).
    opening_balance: float
    anchor: date

    @property
    def history_start(self) -> date:
        return self.anchor - HISTORY


@dataclass(frozen=True, slots=True)
class Position:
    security: Security
    # Units held on the anchor day.
    quantity: float


@dataclass(frozen=True, slots=True)
class Portfolio:
    positions: tuple[Position, ...]
    # Cash (CUR:USD) held on the anchor day.
    cash: float
    # The share of a retirement plan's holdings the holder owns outright (the rest is an employer
    # match still vesting); None for accounts without vesting.
    vested_share: float | None


@dataclass(frozen=True, slots=True)
class Activity:
    """One investment transaction, in Plaid's terms and signs: `amount` is cash out of the account
    (a buy's cost, a fee) and negative for cash in (a sale, a dividend, a contribution)."""

    account_key: str
    # Unique within the login and the same on every run: the product derives the
    # investment_transaction_id from it.
    key: str
    date: date
    # None for activity on the cash position itself (deposits, fees).
    security: Security | None
    type: str
    subtype: str
    name: str
    quantity: float
    price: float
    amount: float
    fees: float = 0.0
    # Trades carry the time of execution (UTC, ISO 8601).
    executed_at: str | None = None

    @property
    def cash_change(self) -> float:
        return -self.amount


@dataclass(frozen=True, slots=True)
class Holding:
    security: Security
    quantity: float
    price: float
    value: float
    cost_basis: float | None
    vested_quantity: float | None
    vested_value: float | None


def _kind(account: InvestmentAccount) -> tuple[str, ...]:
    if account.subtype in PLAN_SUBTYPES:
        return _RETIREMENT_PLAN
    if account.subtype in INDIVIDUAL_SUBTYPES:
        return _INDIVIDUAL
    if account.subtype in {"crypto exchange", "non-custodial wallet"}:
        return _CRYPTO
    return _BROKERAGE


@lru_cache(maxsize=1024)
def portfolio(seed: str, account: InvestmentAccount) -> Portfolio:
    """What the account holds on its anchor day, worth exactly its opening balance."""
    random = rng(seed, account.key, "portfolio")
    choices = _kind(account)
    count = min(len(choices), random.randint(3, 4))
    chosen = random.sample(choices, count)
    balance = max(account.opening_balance, 0.0)
    cash_share = random.uniform(0.06, 0.1)
    raw = [random.uniform(1, 4) for _ in chosen]
    # An option is a small speculative position, never a core holding.
    raw = [
        w / 6 if BY_KEY[key].subtype == "option" else w for key, w in zip(chosen, raw, strict=True)
    ]
    total = sum(raw)
    positions = []
    invested = 0.0
    for key, weight in zip(chosen, raw, strict=True):
        security = BY_KEY[key]
        quantity = round(balance * (1 - cash_share) * weight / total / security.close_price, 6)
        positions.append(Position(security, quantity))
        invested += _value(quantity, security.close_price)
    vested = round(random.uniform(0.8, 0.95), 4) if account.subtype in PLAN_SUBTYPES else None
    return Portfolio(tuple(positions), round(balance - invested, 4), vested)


def _value(quantity: float, price: float) -> float:
    return round(quantity * price, 4)


def price_on(security: Security, day: date) -> float:
    """The security's price on a past day: a smooth cycle around its close with daily noise.
    Only trades use it; holdings are valued at the close."""
    if security.type == "cash" or (security.is_cash_equivalent and security.close_price == 1.0):
        return 1.0
    phase = seed_of("price", security.key) % 1000 / 1000
    amplitude = 0.02 if security.type == "fixed income" else 0.09
    cycle = math.sin(2 * math.pi * (day.toordinal() / 365 + phase))
    noise = rng("price", security.key, day.isoformat()).uniform(-0.006, 0.006)
    return round(security.close_price * (1 + amplitude * cycle + noise), 4)


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
    held = portfolio(seed, account)
    today: list[Activity] = []
    if account.subtype in PLAN_SUBTYPES:
        today += _contributions(seed, account, held, day)
    elif _kind(account) in (_BROKERAGE, _CRYPTO) and day.day == 5:
        today += _monthly_purchase(seed, account, held, day)
    today += _dividends(seed, account, held, day)
    if day.month in (1, 7) and day.day == 20 and len(_core(held)) > 1:
        today += _rebalance(seed, account, held, day)
    if _is_quarter_end(day):
        today += _fee(account, day)
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


def _activity(
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
    return _activity(
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
        _activity(account, day, None, "cash", "contribution", "EMPLOYEE CONTRIBUTION", amount=-own),
        _activity(account, day, None, "cash", "contribution", "EMPLOYER MATCH", amount=-match),
    ]
    return entries + _spread(seed, account, held, day, round(own + match, 2))


def _spread(
    seed: str, account: InvestmentAccount, held: Portfolio, day: date, total: float
) -> list[Activity]:
    """Buys of every position in proportion to the portfolio, costing exactly `total`."""
    values = [_value(p.quantity, p.security.close_price) for p in held.positions]
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
        _value(position.quantity, position.security.close_price) * random.uniform(0.01, 0.03), 2
    )
    if cost < 1:
        return []
    return [
        _activity(account, day, None, "cash", "deposit", "ACH DEPOSIT", amount=-cost),
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
                _activity(
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
            _activity(
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
    worth = min(_value(p.quantity, p.security.close_price) for p in (sold, bought))
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
    return [_activity(account, day, None, "fee", subtype, name, amount=amount)]


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
                _activity(
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
            _activity(
                account, day, None, "cash", "deposit", "ACCOUNT TRANSFER DEPOSIT", amount=-cash
            )
        )
    elif cash < 0:
        opened.append(
            _activity(
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
        value = _value(quantity, security.close_price)
        vested = round(quantity * held.vested_share, 6) if held.vested_share is not None else None
        result.append(
            Holding(
                security,
                quantity,
                security.close_price,
                value,
                round(costs[security.key], 2),
                vested,
                _value(vested, security.close_price) if vested is not None else None,
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
