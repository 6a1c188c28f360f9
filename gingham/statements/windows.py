"""Statement windows and the monthly statements they hold.

A sandbox bank issues one statement a month for each depository and credit account, covering
the calendar month and dated its last day (`date_posted`). An Item holds the statements that
cover any day of the windows it was given (the link token's `statements.start_date` to
`end_date`, and each completed /statements/refresh) and that the bank has issued by the client's
today. Counting statements that merely overlap a window, rather than only those dated inside it,
means a window of the last 30 days always holds one: the month that closed inside it, or the one
that closes today.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from gingham import errors
from gingham.wire.ids import BASE62

# Plaid extracts up to two years of statements.
HISTORY_YEARS = 2
# Without dates, Plaid extracts the three months before linking.
DEFAULT_MONTHS = 3
# A client a timezone ahead of the server's clock may already be on the next day.
TIMEZONE_SLACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Window:
    start: date
    end: date


@dataclass(frozen=True, slots=True, order=True)
class StatementMonth:
    year: int
    month: int

    @property
    def period_start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def period_end(self) -> date:
        """The statement's closing date, which is also the day the bank posts it."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> StatementMonth:
        if self.month == 12:
            return StatementMonth(self.year + 1, 1)
        return StatementMonth(self.year, self.month + 1)


def _years_before(day: date, years: int) -> date:
    # 29 February has no twin in most years: the 28th stands in.
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def default_window(linked_on: date) -> Window:
    month = linked_on.month - DEFAULT_MONTHS
    year = linked_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return Window(date(year, month, min(linked_on.day, last_day)), linked_on)


def check_window(start: date, end: date, today: date, *, prefix: str = "") -> Window:
    """The window `start`..`end`, or INVALID_FIELD naming what is wrong with it. `prefix` is how
    the request names the fields' parent (`statements.` in /link/token/create)."""
    if start > end:
        raise errors.invalid_field(
            f"{prefix}start_date ({start}) must be on or before {prefix}end_date ({end})"
        )
    if end > today + TIMEZONE_SLACK:
        raise errors.invalid_field(
            f"{prefix}end_date ({end}) is in the future: statements can be requested up to "
            f"today ({today})"
        )
    earliest = _years_before(today, HISTORY_YEARS)
    if start < earliest:
        raise errors.invalid_field(
            f"{prefix}start_date ({start}) is more than two years ago: statements can be "
            f"requested from {earliest} on"
        )
    return Window(start, end)


def statement_months(windows: Iterable[Window], today: date) -> list[StatementMonth]:
    """The months, oldest first, whose statements cover a day of one of `windows` and were
    issued by `today`."""
    months: set[StatementMonth] = set()
    for window in windows:
        month = StatementMonth(window.start.year, window.start.month)
        while month.period_start <= window.end:
            if month.period_end <= today:
                months.add(month)
            month = month.next()
    return sorted(months)


def statement_id(account_id: str, month: StatementMonth) -> str:
    """A 37-character base62 id, the same every time for the account's statement of `month`."""
    seed = f"statement\x1f{account_id}\x1f{month.year:04d}-{month.month:02d}"
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    digits = []
    for _ in range(37):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(digits)
