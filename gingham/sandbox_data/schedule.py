"""When recurring things happen, from fixed epochs rather than from any window's start, so that
every day can be asked on its own whether it is a payday, a bill's day or a trip day."""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta

from gingham.sandbox_data.merchants import Merchant
from gingham.sandbox_data.persona import CITIES, City, persona
from gingham.sandbox_data.seeds import rng


def monthly_day(day: date, day_of_month: int) -> bool:
    """Whether `day` is the bill day of its month (the month's last day in short months)."""
    if day_of_month <= 28:
        return day.day == day_of_month
    return day.day == min(day_of_month, calendar.monthrange(day.year, day.month)[1])


def is_month_end(day: date) -> bool:
    return day.day >= 28 and day.day == calendar.monthrange(day.year, day.month)[1]


def is_payday(seed: str, day: date) -> bool:
    return (day - persona(seed).first_payday).days % 14 == 0


def previous_month(day: date) -> tuple[date, date]:
    """The first and last day of the month before `day`'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def yearly_growth(day: date, rate: float) -> float:
    # Prices and pay rise once a year, from 2020's level.
    return float((1 + rate) ** (day.year - 2020))


@dataclass(frozen=True, slots=True)
class Trip:
    start: date
    nights: int
    destination: City
    booked_on: date
    airline: Merchant
    lodging: Merchant
    fare: float
    nightly_rate: float

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.nights)

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def _quarter_of(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


@functools.lru_cache(maxsize=4096)
def _trip_in_quarter(seed: str, quarter: int) -> Trip | None:
    random = rng(seed, "trip", str(quarter))
    if random.random() > 0.7:
        return None
    me = persona(seed)
    year, index = divmod(quarter, 4)
    start = date(year, index * 3 + 1, 1) + timedelta(days=random.randint(0, 84))
    destination = random.choice([city for city in CITIES if city != me.home])
    airline = random.choice(me.favourites["flights"])
    lodging = random.choice(me.favourites["lodging"])
    return Trip(
        start=start,
        nights=random.randint(2, 6),
        destination=destination,
        booked_on=start - timedelta(days=random.randint(14, 50)),
        airline=airline,
        lodging=lodging,
        fare=round(random.uniform(airline.low, airline.high), 2),
        nightly_rate=round(random.uniform(lodging.low, lodging.high), 2),
    )


def trips_around(seed: str, day: date) -> list[Trip]:
    """The trips that are booked, taken or paid on `day` (at most one trip per quarter)."""
    quarter = _quarter_of(day)
    found = []
    for candidate in (quarter - 1, quarter, quarter + 1):
        trip = _trip_in_quarter(seed, candidate)
        if trip is not None and (trip.booked_on == day or trip.covers(day)):
            found.append(trip)
    return found


@functools.lru_cache(maxsize=1024)
def yearly_date(seed: str, what: str, year: int, first: date, span_days: int) -> date:
    """A date of `year` for a once-a-year event (a tax refund), within `span_days` of `first`."""
    return first + timedelta(days=rng(seed, what, str(year)).randint(0, span_days))
