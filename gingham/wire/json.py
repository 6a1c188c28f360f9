"""JSON in and out, with Plaid's date and date-time formats."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def loads(data: bytes) -> Any:
    return orjson.loads(data)


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as Plaid sends (`2020-03-27T12:56:34Z`)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_timestamp_ms(value: datetime) -> str:
    """ISO 8601 in UTC to the millisecond, as Link events and webhooks carry it
    (`2020-01-15T13:25:17.766Z`)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("date-time has no timezone")
    return parsed.astimezone(UTC)
