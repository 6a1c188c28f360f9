"""Items with Statements, linked through headless Link, and reading their statements back."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

from tests.builders import Linked, PlaidCaller
from tests.update_mode.helpers import link_item

# The tests' clock starts on 2 March 2026 (tests/conftest.py START).
TODAY = "2026-03-02"


def statements_item(
    plaid: PlaidCaller,
    start: str | None = "2025-10-15",
    end: str | None = "2026-01-10",
    *,
    products: list[str] | None = None,
) -> Linked:
    window = {"statements": {"start_date": start, "end_date": end}} if start and end else {}
    return link_item(plaid, products=products or ["statements"], **window)


def listed(plaid: PlaidCaller, access_token: str) -> dict[str, Any]:
    return plaid.ok("/statements/list", {"access_token": access_token})


def months(answer: dict[str, Any]) -> list[tuple[int, int]]:
    """The (year, month) of the statements of the answer's first account (all share them)."""
    first = answer["accounts"][0]["statements"]
    return [(s["year"], s["month"]) for s in first]


def by_mask(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {account["account_mask"]: account for account in answer["accounts"]}


def download(plaid: PlaidCaller, access_token: str, statement_id: str) -> bytes:
    response = plaid.post(
        "/statements/download", {"access_token": access_token, "statement_id": statement_id}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["plaid-request-id"]
    # Plaid's checksum of the statement, which apps may verify before storing it.
    assert response.headers["plaid-content-hash"] == hashlib.sha256(response.content).hexdigest()
    return response.content


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


def statements_webhooks(plaid: PlaidCaller, item_id: str) -> list[dict[str, Any]]:
    events = plaid.ok("/_gingham/webhooks/list", {"item_id": item_id, "limit": 100})["events"]
    payloads = [e["payload"] for e in sorted(events, key=lambda e: e["created_at"])]
    return [p for p in payloads if p["webhook_type"] == "STATEMENTS"]
