"""Pieces of Plaid's webhook bodies that more than one sender needs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def webhook_error(error: Mapping[str, Any], *, status: int = 400) -> dict[str, Any]:
    """A PlaidError as webhooks carry it: with the HTTP status it would have had, without a
    request_id, and with `error_code_reason` only when there is one (Plaid's examples)."""
    body: dict[str, Any] = {
        "error_type": error["error_type"],
        "error_code": error["error_code"],
        "error_message": error["error_message"],
        "display_message": error.get("display_message"),
    }
    if error.get("error_code_reason") is not None:
        body["error_code_reason"] = error["error_code_reason"]
    body["status"] = status
    return body


def webhook_time(value: datetime) -> str:
    """Date-times in webhook bodies, as Plaid's examples write them: `2020-01-15T13:25:17.766Z`."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
