"""The portfolio a generated investment account holds on the day its Item was linked, and the
types the generator speaks in."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from gingham.sandbox_data.securities import BY_KEY, Security
from gingham.sandbox_data.seeds import rng, seed_of

HISTORY = timedelta(days=730)

# The positions an account of each kind can hold (security keys); a portfolio draws a few.
RETIREMENT_PLAN = ("VTTHX", "VFIAX", "DBLTX", "NHX105509", "MIPTX")
INDIVIDUAL = ("VTI", "BND", "AAPL", "KO", "SBSI", "JNJ", "UST-4.25-2029")
BROKERAGE = ("AAPL", "MSFT", "VTI", "BND", "AAPL-3.85-2043", "ACHN", "AAPL280121C00200000")
CRYPTO = ("BTC",)
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


def kind_of(account: InvestmentAccount) -> tuple[str, ...]:
    if account.subtype in PLAN_SUBTYPES:
        return RETIREMENT_PLAN
    if account.subtype in INDIVIDUAL_SUBTYPES:
        return INDIVIDUAL
    if account.subtype in {"crypto exchange", "non-custodial wallet"}:
        return CRYPTO
    return BROKERAGE


@lru_cache(maxsize=1024)
def portfolio(seed: str, account: InvestmentAccount) -> Portfolio:
    """What the account holds on its anchor day, worth exactly its opening balance."""
    random = rng(seed, account.key, "portfolio")
    choices = kind_of(account)
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
        invested += value_of(quantity, security.close_price)
    vested = round(random.uniform(0.8, 0.95), 4) if account.subtype in PLAN_SUBTYPES else None
    return Portfolio(tuple(positions), round(balance - invested, 4), vested)


def value_of(quantity: float, price: float) -> float:
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
