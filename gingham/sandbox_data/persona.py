"""Who a bank login's owner is, as far as their transactions show: where they live, who pays
them, which shops they favour, what they subscribe to.

Everything here is a constant of the login, derived from its seed alone (never from a date or
from which accounts an Item shares), and computed once per seed: Faker is costly, so it is used
here and never per transaction.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from gingham.sandbox_data.merchants import MERCHANTS, Merchant
from gingham.sandbox_data.seeds import faker, rng


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    lat: float
    lon: float
    # Standard-time offset from UTC, for the local time of day of card purchases.
    utc_offset_hours: int


# Home cities and travel destinations (real places, so that maps in an app look right).
CITIES: tuple[City, ...] = (
    City("San Francisco", "CA", 37.7749, -122.4194, -8),
    City("Los Angeles", "CA", 34.0522, -118.2437, -8),
    City("Seattle", "WA", 47.6062, -122.3321, -8),
    City("Portland", "OR", 45.5152, -122.6784, -8),
    City("Denver", "CO", 39.7392, -104.9903, -7),
    City("Phoenix", "AZ", 33.4484, -112.0740, -7),
    City("Austin", "TX", 30.2672, -97.7431, -6),
    City("Chicago", "IL", 41.8781, -87.6298, -6),
    City("Minneapolis", "MN", 44.9778, -93.2650, -6),
    City("Nashville", "TN", 36.1627, -86.7816, -6),
    City("Atlanta", "GA", 33.7490, -84.3880, -5),
    City("Miami", "FL", 25.7617, -80.1918, -5),
    City("Boston", "MA", 42.3601, -71.0589, -5),
    City("New York", "NY", 40.7128, -74.0060, -5),
    City("Philadelphia", "PA", 39.9526, -75.1652, -5),
    City("Washington", "DC", 38.9072, -77.0369, -5),
)


@dataclass(frozen=True, slots=True)
class Subscription:
    merchant: Merchant
    day_of_month: int
    amount: float


@dataclass(frozen=True, slots=True)
class Persona:
    employer: str
    # The employer's ACH company id, as it shows in a payroll deposit's description.
    employer_ach_id: str
    home: City
    # Paydays are every other Friday from this one.
    first_payday: date
    net_pay: float
    landlord: str
    rent: float
    # Favourite merchants per pool (see merchants.MERCHANTS).
    favourites: dict[str, tuple[Merchant, ...]]
    subscriptions: tuple[Subscription, ...]
    business_subscriptions: tuple[Subscription, ...]
    # Day of the month of each monthly bill: electric, internet, phone, insurance, gym.
    bill_days: dict[str, int]
    savings_transfer: float
    # Location objects of the nearby store of every in-store merchant, by merchant key.
    stores: dict[str, dict[str, Any]]
    store_numbers: dict[str, str]


# How many favourites a login has in each pool.
_FAVOURITES = {
    "groceries": 2,
    "superstore": 2,
    "coffee": 2,
    "fast_food": 3,
    "restaurant": 4,
    "gas": 1,
    "shopping": 6,
    "pharmacy": 1,
    "medical": 4,
    "rides": 2,
    "fun": 3,
    "flights": 2,
    "lodging": 2,
    "car_rental": 1,
    "gym": 1,
    "electric": 1,
    "internet": 1,
    "phone": 1,
    "insurance": 1,
    "payment_app": 1,
    "business": 6,
}

# The Friday Gingham counts paydays from; a login's paydays fall on it or the week after.
_PAYDAY_EPOCH = date(2000, 1, 7)


@functools.lru_cache(maxsize=256)
def persona(seed: str) -> Persona:
    random = rng(seed, "persona")
    fake = faker(seed, "persona")
    employer = fake.company()
    employer_ach_id = fake.numerify("##########")
    landlord = f"{fake.last_name()} Property Management"
    home = random.choice(CITIES)
    favourites = {
        pool: tuple(random.sample(MERCHANTS[pool], min(count, len(MERCHANTS[pool]))))
        for pool, count in _FAVOURITES.items()
    }
    subscriptions = tuple(
        _subscription(random, merchant)
        for merchant in random.sample(MERCHANTS["subscriptions"], random.randint(3, 5))
    )
    business_subscriptions = tuple(
        _subscription(random, merchant)
        for merchant in random.sample(MERCHANTS["business_subscriptions"], 4)
    )
    stores: dict[str, dict[str, Any]] = {}
    store_numbers: dict[str, str] = {}
    for pool in sorted(favourites):
        for merchant in favourites[pool]:
            store_numbers[merchant.key] = fake.numerify("####")
            if merchant.channel == "in store":
                stores[merchant.key] = {
                    "address": fake.street_address(),
                    "city": home.name,
                    "region": home.region,
                    "postal_code": fake.zipcode_in_state(home.region),
                    "country": "US",
                    "lat": round(home.lat + random.uniform(-0.06, 0.06), 6),
                    "lon": round(home.lon + random.uniform(-0.06, 0.06), 6),
                    "store_number": store_numbers[merchant.key],
                }
    return Persona(
        employer=employer,
        employer_ach_id=employer_ach_id,
        home=home,
        first_payday=date.fromordinal(_PAYDAY_EPOCH.toordinal() + 7 * random.randint(0, 1)),
        net_pay=round(random.uniform(1650, 4300), 2),
        landlord=landlord,
        rent=float(random.randrange(1150, 3400, 25)),
        favourites=favourites,
        subscriptions=subscriptions,
        business_subscriptions=business_subscriptions,
        bill_days={
            "electric": random.randint(3, 24),
            "internet": random.randint(1, 28),
            "phone": random.randint(1, 28),
            "insurance": random.randint(1, 28),
            "gym": random.randint(1, 28),
        },
        savings_transfer=float(random.choice((150, 200, 250, 300, 400, 500))),
        stores=stores,
        store_numbers=store_numbers,
    )


def _subscription(random: Any, merchant: Merchant) -> Subscription:
    # A plan's price is one of a few steps between the merchant's cheapest and dearest.
    steps = (merchant.low, (merchant.low + merchant.high) / 2, merchant.high)
    return Subscription(merchant, random.randint(1, 28), round(random.choice(steps), 2))
