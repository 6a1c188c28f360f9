"""ISO 8601 durations (`P7D`, `PT36H`, `P1DT2H`, `P1M`), as the clock's `by` takes them.

Years and months are calendar lengths: `P1M` from January 31 ends on the last day of February.
Fractions are allowed on seconds only (`PT0.5S`). There is no sign: clocks only move forward.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?",
    re.ASCII,
)


@dataclass(frozen=True, slots=True)
class Duration:
    years: int = 0
    months: int = 0
    # Weeks, days and the time part, which have fixed lengths.
    fixed: timedelta = timedelta(0)

    def added_to(self, start: datetime) -> datetime:
        return add_months(start, self.years * 12 + self.months) + self.fixed


class DurationError(ValueError):
    pass


def parse_duration(text: str) -> Duration:
    """The duration `text` spells; DurationError saying why not."""
    if text.startswith("-"):
        raise DurationError("clocks only move forward")
    match = _DURATION.fullmatch(text)
    # A lone "P" matches, every part being optional, but names no length at all.
    if match is None or not any(match.groupdict().values()):
        raise DurationError("not an ISO 8601 duration")
    parts = {name: value for name, value in match.groupdict().items() if value is not None}
    try:
        fixed = timedelta(
            weeks=int(parts.get("weeks", 0)),
            days=int(parts.get("days", 0)),
            hours=int(parts.get("hours", 0)),
            minutes=int(parts.get("minutes", 0)),
            seconds=float(parts.get("seconds", "0").replace(",", ".")),
        )
        return Duration(int(parts.get("years", 0)), int(parts.get("months", 0)), fixed)
    # Absurd lengths: beyond timedelta's range, or more digits than int() parses.
    except (OverflowError, ValueError):
        raise DurationError("too long") from None


def add_months(start: datetime, months: int) -> datetime:
    """`start` moved by whole calendar months, on the same day or the month's last day."""
    if months == 0:
        return start
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > datetime.max.year:
        raise OverflowError("date beyond year 9999")
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)
