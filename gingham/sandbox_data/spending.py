"""Everyday spending: purchases by card (and by debit card from checking), trips, refunds, and
the monthly payment that settles a card's previous month."""

from __future__ import annotations

from datetime import date, timedelta

from gingham.sandbox_data.building import Day, plain, purchase
from gingham.sandbox_data.login import Login
from gingham.sandbox_data.merchants import ALL_MERCHANTS
from gingham.sandbox_data.records import AccountProfile, GeneratedTransaction
from gingham.sandbox_data.schedule import (
    monthly_day,
    previous_month,
    trips_around,
    yearly_growth,
)

# Chance per day of a purchase from each pool, on a weekday and at the weekend (Friday
# evenings count as the weekend for going out). Groceries come to about twice a week.
_RATES: dict[str, tuple[float, float]] = {
    "groceries": (0.18, 0.42),
    "superstore": (0.06, 0.18),
    "coffee": (0.38, 0.2),
    "fast_food": (0.2, 0.15),
    "restaurant": (0.12, 0.45),
    "gas": (0.12, 0.12),
    "shopping": (0.16, 0.25),
    "pharmacy": (0.04, 0.05),
    "rides": (0.06, 0.15),
    "fun": (0.03, 0.14),
}
_GOING_OUT = frozenset({"restaurant", "fun", "rides"})


def everyday(login: Login, day: Day, share: float) -> list[GeneratedTransaction]:
    """A day's purchases at home; `share` is the part of the owner's spending this account
    carries (a debit card carries less when the owner also has a credit card)."""
    random = day.random
    weekday = day.date.weekday()
    favourites = login.persona.favourites
    made: list[GeneratedTransaction] = []
    for pool, (weekday_rate, weekend_rate) in _RATES.items():
        weekend = weekday >= 5 or (weekday == 4 and pool in _GOING_OUT)
        if random.random() >= (weekend_rate if weekend else weekday_rate) * share:
            continue
        merchant = random.choice(favourites[pool])
        # Most purchases are small; a few are large.
        amount = merchant.low + (merchant.high - merchant.low) * random.random() ** 1.6
        made.append(purchase(day, pool, merchant, amount, pool=pool))
    return made


def card_day(login: Login, day: Day) -> list[GeneratedTransaction]:
    """A personal credit card's day: its purchases, then the payment of last month's."""
    made = list(card_purchases(login, day))
    made.extend(card_payment_received(login, day))
    return made


def card_purchases(login: Login, day: Day) -> list[GeneratedTransaction]:
    memo_key = (day.account.key, day.date)
    known = login.card_days.get(memo_key)
    if known is not None:
        return known
    made = _business_purchases(login, day) if _is_business(login, day) else _personal(login, day)
    login.card_days[memo_key] = made
    return made


def _is_business(login: Login, day: Day) -> bool:
    return login.roles[day.account.key] == "business_card"


def _personal(login: Login, day: Day) -> list[GeneratedTransaction]:
    me = login.persona
    random = day.random
    made: list[GeneratedTransaction] = []
    trips = trips_around(login.seed, day.date)
    travelling = next((trip for trip in trips if trip.covers(day.date)), None)
    if travelling is None:
        share = 0.75 if "checking" in login.first else 1.0
        made.extend(everyday(login, day, share))
    booked = [trip for trip in trips if trip.booked_on == day.date]
    for index, trip in enumerate(booked):
        # Two trips can be booked on one day; each flight needs a key of its own.
        slug = "flight" if index == 0 else f"flight-{index + 1}"
        made.append(purchase(day, slug, trip.airline, trip.fare, pool="flights"))
    if travelling is not None:
        away = travelling.destination
        for index in range(random.randint(1, 2)):
            ride = random.choice(_RIDE_SHARES)
            made.append(
                purchase(day, f"ride-{index}", ride, random.uniform(9, 38), pool="rides", away=away)
            )
        meal = random.choice(ALL_RESTAURANTS)
        amount = random.uniform(meal.low, meal.high)
        made.append(purchase(day, "meal", meal, amount, pool="restaurant", away=away))
        if day.date == travelling.end:
            made.append(
                purchase(
                    day,
                    "lodging",
                    travelling.lodging,
                    travelling.nightly_rate * travelling.nights,
                    pool="lodging",
                    away=away,
                )
            )
    # Subscriptions and bills go on the first personal card only.
    main_card = login.first.get("card") is day.account
    if main_card:
        made.extend(subscriptions(login, day))
    for kind in ("internet", "phone", "insurance"):
        if main_card and monthly_day(day.date, me.bill_days[kind]) and kind in login.bills:
            merchant = me.favourites[kind][0]
            # Plans get dearer each year; phone bills vary a little with usage and taxes.
            amount = login.bills[kind] * yearly_growth(day.date, 0.03)
            if kind == "phone":
                amount *= random.uniform(0.97, 1.06)
            made.append(
                purchase(
                    day, kind, merchant, amount, pool=kind, stream=f"bill:{kind}", authorized=False
                )
            )
    if random.random() < 0.012:
        merchant = random.choice(me.favourites["shopping"])
        refund = -random.uniform(merchant.low, (merchant.low + merchant.high) / 2)
        made.append(purchase(day, "refund", merchant, refund, pool="shopping"))
    if random.random() < 0.0015:
        made.append(
            plain(
                day,
                "late-fee",
                29.0,
                name="LATE FEE",
                pfc="BANK_FEES_OTHER_BANK_FEES",
                category_id="10003000",
                code="bank charge",
            )
        )
    return made


def subscriptions(login: Login, day: Day) -> list[GeneratedTransaction]:
    """The login's subscriptions that bill on this day, and its gym."""
    me = login.persona
    made = [
        purchase(
            day,
            f"subscription-{plan.merchant.key}",
            plan.merchant,
            plan.amount,
            pool="subscriptions",
            stream=f"subscription:{plan.merchant.key}",
            authorized=False,
        )
        for plan in me.subscriptions
        if monthly_day(day.date, plan.day_of_month)
    ]
    if monthly_day(day.date, me.bill_days["gym"]):
        gym = me.favourites["gym"][0]
        made.append(
            purchase(
                day,
                "gym",
                gym,
                gym.low,
                pool="gym",
                stream=f"subscription:{gym.key}",
                authorized=False,
            )
        )
    return made


def _business_purchases(login: Login, day: Day) -> list[GeneratedTransaction]:
    random = day.random
    made: list[GeneratedTransaction] = [
        purchase(
            day,
            f"subscription-{plan.merchant.key}",
            plan.merchant,
            plan.amount,
            pool="business",
            stream=f"subscription:{plan.merchant.key}",
            authorized=False,
        )
        for plan in login.persona.business_subscriptions
        if monthly_day(day.date, plan.day_of_month)
    ]
    rate = 0.04 if day.date.weekday() >= 5 else 0.32
    for index in range(2):
        if random.random() < rate:
            merchant = random.choice(login.persona.favourites["business"])
            amount = merchant.low + (merchant.high - merchant.low) * random.random() ** 2
            made.append(purchase(day, f"business-{index}", merchant, amount, pool="business"))
    return made


def statement_balance(login: Login, card: AccountProfile, due: date) -> float:
    """What the card's purchases of the month before `due`'s came to."""
    first, last = previous_month(due)
    total = 0.0
    current = first
    while current <= last:
        known = login.card_days.get((card.key, current))
        if known is None:
            known = card_purchases(login, login.day(card, current))
        total += sum(transaction.amount for transaction in known)
        current += timedelta(days=1)
    return round(total, 2)


def card_payment_received(login: Login, day: Day) -> list[GeneratedTransaction]:
    card = day.account
    if not monthly_day(day.date, login.card_due_day(card)):
        return []
    balance = statement_balance(login, card, day.date)
    if balance <= 0:
        return []
    return [
        plain(
            day,
            "payment",
            -balance,
            name="AUTOMATIC PAYMENT - THANK YOU",
            pfc="LOAN_PAYMENTS_CREDIT_CARD_PAYMENT",
            category_id="16001000",
            code="bill payment",
            stream=f"credit_card_payment:{card.key}",
        )
    ]


_RIDE_SHARES = (ALL_MERCHANTS["uber"], ALL_MERCHANTS["lyft"])
ALL_RESTAURANTS = tuple(
    merchant
    for merchant in ALL_MERCHANTS.values()
    if merchant.pfc in ("FOOD_AND_DRINK_RESTAURANT", "FOOD_AND_DRINK_FAST_FOOD")
    and merchant.channel == "in store"
    # Chains only: the login's local haunts are at home.
    and merchant.website is not None
    and merchant.terminal is None
)
