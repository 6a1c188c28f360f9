"""Pieces of Plaid's webhook bodies that more than one sender needs."""

from __future__ import annotations

from datetime import UTC, datetime


def webhook_time(value: datetime) -> str:
    """Date-times in webhook bodies, as Plaid's examples write them: `2020-01-15T13:25:17.766Z`."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
