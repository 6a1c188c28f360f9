"""Asset reports in-process: Items linked with Assets, reports built by moving the client's
sandbox clock past the build time, and the ASSETS webhooks they queued."""

from __future__ import annotations

import subprocess
from typing import Any

from tests.builders import PlaidCaller

# Settings' default report_build_seconds: advancing this far builds a report asked for now.
BUILD = "PT3S"
REPORT_WEBHOOK = "https://lender.example.com/plaid/assets"


def advance(plaid: PlaidCaller, by: str = BUILD) -> None:
    plaid.ok("/_gingham/clock/advance", {"by": by})


def assets_item(plaid: PlaidCaller, **overrides: Any) -> str:
    """An access token for a new user_good Item linked with Assets."""
    return plaid.access_token(**{"initial_products": ["assets"], **overrides})


def create(plaid: PlaidCaller, tokens: list[str], days: int = 60, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"access_tokens": tokens, "days_requested": days}
    if options:
        body["options"] = options
    return plaid.ok("/asset_report/create", body)


def built(plaid: PlaidCaller, tokens: list[str], days: int = 60, **options: Any) -> dict[str, Any]:
    """A report created and built: the create response."""
    created = create(plaid, tokens, days, **options)
    advance(plaid)
    return created


def get(plaid: PlaidCaller, report_token: str, **fields: Any) -> dict[str, Any]:
    return plaid.ok("/asset_report/get", {"asset_report_token": report_token, **fields})


def assets_webhooks(plaid: PlaidCaller) -> list[dict[str, Any]]:
    """The ASSETS webhooks queued for the client, oldest first."""
    events = plaid.ok("/_gingham/webhooks/list", {"limit": 100})["events"]
    payloads = [e["payload"] for e in sorted(events, key=lambda e: e["created_at"])]
    return [p for p in payloads if p["webhook_type"] == "ASSETS"]


def accounts_by_mask(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["mask"]: a for item in report["items"] for a in item["accounts"]}


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def pdf_page_renders(content: bytes) -> bytes:
    """Page 1 as a PNG, as a viewer draws it."""
    return subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout
