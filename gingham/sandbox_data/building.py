"""Turning what happened on a day (a purchase at a merchant, a transfer, a fee) into a
GeneratedTransaction with every field Plaid documents filled in as Plaid would."""

from __future__ import annotations

import datetime as dt
import functools
from random import Random
from typing import Any

from gingham.sandbox_data.categories import legacy_category, pfc_icon_url, pfc_primary
from gingham.sandbox_data.merchants import TERMINALS, Merchant, entity_id
from gingham.sandbox_data.persona import City, Persona
from gingham.sandbox_data.records import (
    AccountProfile,
    GeneratedTransaction,
    PersonalFinanceCategory,
)
from gingham.sandbox_data.seeds import rng

EMPTY_LOCATION: dict[str, Any] = {
    "address": None,
    "city": None,
    "region": None,
    "postal_code": None,
    "country": None,
    "lat": None,
    "lon": None,
    "store_number": None,
}

# Plaid fills transaction_code only for European institutions.
_CODED_CURRENCIES = frozenset({"EUR", "GBP"})

# Local hours at which each kind of purchase happens.
_HOURS: dict[str, tuple[int, int]] = {
    "coffee": (7, 10),
    "fast_food": (11, 20),
    "restaurant": (18, 22),
    "groceries": (9, 20),
    "superstore": (10, 20),
    "gas": (7, 20),
    "pharmacy": (9, 20),
    "medical": (9, 16),
    "business": (9, 18),
    "fun": (17, 23),
    "rides": (8, 23),
}


# A month's random stream of one account, by (account key, year, month).
Streams = dict[tuple[str, int, int], Random]


class Day:
    """One account's day: what every transaction built for it shares, and the random stream
    everything on it draws from.

    The stream is the account's stream for the month (seeding one per day cost more than the
    rest of the generation), so the days of a month must always be generated in order from the
    1st: `generate` does, whatever the window, and throws away the days before it. The stream is
    made on first use: most days of a savings account draw nothing."""

    __slots__ = ("account", "date", "persona", "seed", "streams")

    def __init__(
        self, seed: str, persona: Persona, account: AccountProfile, date: dt.date, streams: Streams
    ):
        self.seed = seed
        self.persona = persona
        self.account = account
        self.date = date
        self.streams = streams

    @property
    def random(self) -> Random:
        key = (self.account.key, self.date.year, self.date.month)
        stream = self.streams.get(key)
        if stream is None:
            month = f"{self.date.year:04d}-{self.date.month:02d}"
            stream = self.streams[key] = rng(self.seed, self.account.key, month)
        return stream

    def key(self, slug: str) -> str:
        return f"{self.account.key}:{self.date.isoformat()}:{slug}"

    def code(self, code: str) -> str | None:
        return code if self.account.iso_currency_code in _CODED_CURRENCIES else None


def purchase(
    day: Day,
    slug: str,
    merchant: Merchant,
    amount: float,
    *,
    pool: str,
    stream: str | None = None,
    away: City | None = None,
    authorized: bool = True,
    pfc: str | None = None,
) -> GeneratedTransaction:
    """A card purchase (or a refund, when `amount` is negative) at `merchant`."""
    random = day.random
    store_number = day.persona.store_numbers.get(merchant.key) or _store_number(day, merchant)
    location: dict[str, Any]
    if merchant.channel == "online":
        location = dict(EMPTY_LOCATION)
    elif away is not None:
        # Away from home: the city is known, the exact store is not.
        location = dict(EMPTY_LOCATION)
        location.update(
            city=away.name,
            region=away.region,
            country="US",
            lat=round(away.lat + random.uniform(-0.04, 0.04), 6),
            lon=round(away.lon + random.uniform(-0.04, 0.04), 6),
        )
    else:
        location = dict(day.persona.stores.get(merchant.key) or EMPTY_LOCATION)
    counterparties = tuple(dict(party) for party in _counterparties_of(merchant))
    authorized_date: dt.date | None = None
    authorized_at: dt.datetime | None = None
    posted_at: dt.datetime | None = None
    if authorized:
        # Card purchases post a day or two after the card was swiped.
        chance = random.random()
        lag = 0 if chance < 0.3 else 1 if chance < 0.8 else 2
        authorized_date = day.date - dt.timedelta(days=lag)
        low, high = _HOURS.get(pool, (0, 23))
        city = away or day.persona.home
        # A local time of day, as seconds since midnight, told in UTC.
        local_seconds = int(low * 3600 + random.random() * (high - low + 1) * 3600)
        offset = city.utc_offset_hours * 3600
        authorized_at = _midnight_utc(authorized_date) + dt.timedelta(
            seconds=local_seconds - offset
        )
        # The bank posts overnight, in a batch that lands at 6 a.m. local time (an hour after a
        # same-day purchase at the latest).
        morning = _midnight_utc(day.date) + dt.timedelta(seconds=6 * 3600 - offset)
        posted_at = max(morning, authorized_at + dt.timedelta(hours=1))
    return _transaction(
        day,
        slug,
        amount,
        name=merchant.descriptor.replace("{store}", store_number),
        merchant=merchant,
        pfc=pfc or merchant.pfc,
        category_id=merchant.category_id,
        channel=merchant.channel,
        location=location,
        counterparties=counterparties,
        code=day.code("purchase" if amount > 0 else "adjustment"),
        authorized_date=authorized_date,
        authorized_at=authorized_at,
        posted_at=posted_at,
        stream=stream,
    )


def plain(
    day: Day,
    slug: str,
    amount: float,
    *,
    name: str,
    pfc: str,
    category_id: str,
    code: str,
    channel: str = "other",
    stream: str | None = None,
    confidence: str = "HIGH",
    counterparty: dict[str, Any] | None = None,
    check_number: str | None = None,
    location: dict[str, Any] | None = None,
) -> GeneratedTransaction:
    """A transaction without a merchant: a transfer, a payment, a fee, interest, a deposit."""
    return _transaction(
        day,
        slug,
        amount,
        name=name,
        merchant=None,
        pfc=pfc,
        category_id=category_id,
        channel=channel,
        location=dict(location or EMPTY_LOCATION),
        counterparties=(dict(counterparty),) if counterparty else (),
        code=day.code(code),
        check_number=check_number,
        stream=stream,
        confidence=confidence,
    )


def counterparty(name: str, kind: str, *, confidence: str = "HIGH") -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "website": None,
        "logo_url": None,
        "entity_id": entity_id(kind, name),
        "confidence_level": confidence,
        "phone_number": None,
    }


def _transaction(
    day: Day,
    slug: str,
    amount: float,
    *,
    name: str,
    merchant: Merchant | None,
    pfc: str,
    category_id: str,
    channel: str,
    location: dict[str, Any],
    counterparties: tuple[dict[str, Any], ...],
    code: str | None,
    authorized_date: dt.date | None = None,
    authorized_at: dt.datetime | None = None,
    posted_at: dt.datetime | None = None,
    check_number: str | None = None,
    stream: str | None = None,
    confidence: str = "VERY_HIGH",
) -> GeneratedTransaction:
    primary = pfc_primary(pfc)
    return GeneratedTransaction(
        account_key=day.account.key,
        key=day.key(slug),
        date=day.date,
        authorized_date=authorized_date,
        amount=round(amount, 2),
        iso_currency_code=day.account.iso_currency_code,
        name=name,
        merchant_name=merchant.name if merchant else None,
        merchant_entity_id=merchant.entity_id if merchant else None,
        website=merchant.website if merchant else None,
        logo_url=merchant.logo_url if merchant else None,
        payment_channel=channel,
        personal_finance_category=PersonalFinanceCategory(primary, pfc, confidence),
        personal_finance_category_icon_url=pfc_icon_url(primary),
        category=legacy_category(category_id).hierarchy,
        category_id=category_id,
        location=location,
        counterparties=counterparties,
        transaction_code=code,
        check_number=check_number,
        authorized_datetime=authorized_at,
        datetime=posted_at,
        stream=stream,
    )


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _store_number(day: Day, merchant: Merchant) -> str:
    return _reference_number(day.seed, merchant.key)


@functools.lru_cache(maxsize=4096)
def _reference_number(seed: str, merchant_key: str) -> str:
    # Merchants that are not among the login's favourites (subscriptions) still get a stable
    # reference number in their description.
    return str(rng(seed, merchant_key, "reference").randint(1000, 9999))


@functools.lru_cache(maxsize=1024)
def _counterparties_of(merchant: Merchant) -> tuple[dict[str, Any], ...]:
    """The counterparties Plaid reports for a purchase at `merchant` (copied before use)."""
    parties = [
        {
            "name": merchant.name,
            "type": merchant.counterparty_type,
            "website": merchant.website,
            "logo_url": merchant.logo_url,
            "entity_id": merchant.entity_id,
            "confidence_level": "VERY_HIGH",
            "phone_number": None,
        }
    ]
    if merchant.terminal is not None:
        terminal_name, terminal_website = TERMINALS[merchant.terminal]
        parties.append(
            {
                "name": terminal_name,
                "type": "payment_terminal",
                "website": terminal_website,
                "logo_url": f"https://plaid-counterparty-logos.plaid.com/{merchant.terminal}_1.png",
                "entity_id": entity_id("terminal", merchant.terminal),
                "confidence_level": "HIGH",
                "phone_number": None,
            }
        )
    return tuple(parties)
