"""Small builders for tests: a Plaid caller and request bodies with keyword overrides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
from starlette.testclient import TestClient


class PlaidCaller:
    """Calls Gingham's Plaid endpoints the way Plaid's clients do: POST, JSON, credential headers."""

    def __init__(self, client: TestClient, credentials: dict[str, str]) -> None:
        self.client = client
        self.credentials = credentials

    def post(
        self, path: str, body: dict[str, Any] | None = None, *, authenticated: bool = True
    ) -> httpx.Response:
        headers = {"Plaid-Version": "2020-09-14"}
        if authenticated:
            headers["PLAID-CLIENT-ID"] = self.credentials["client_id"]
            headers["PLAID-SECRET"] = self.credentials["secret"]
        return self.client.post(path, json=body or {}, headers=headers)

    def ok(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        assert isinstance(result.pop("request_id"), str)
        return result

    def error(
        self, path: str, body: dict[str, Any] | None = None, *, status: int = 400
    ) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status_code == status, response.text
        error: dict[str, Any] = response.json()
        assert isinstance(error["request_id"], str) and error["request_id"]
        return error

    # Shortcuts for the objects most tests start from.

    def public_token(self, **overrides: Any) -> str:
        body = {"institution_id": "ins_109508", "initial_products": ["transactions"], **overrides}
        token: str = self.ok("/sandbox/public_token/create", body)["public_token"]
        return token

    def access_token(self, **overrides: Any) -> str:
        token: str = self.ok(
            "/item/public_token/exchange", {"public_token": self.public_token(**overrides)}
        )["access_token"]
        return token


def link_token_request(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_name": "Test App",
        "language": "en",
        "country_codes": ["US"],
        "products": ["transactions"],
        "user": {"client_user_id": "user-123"},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@dataclass(frozen=True)
class Linked:
    """An Item as the app holds it after the exchange."""

    access_token: str
    item_id: str


def item_of(plaid: PlaidCaller, linked: Linked) -> dict[str, Any]:
    item: dict[str, Any] = plaid.ok("/item/get", {"access_token": linked.access_token})["item"]
    return item


def advance(plaid: PlaidCaller, by: str) -> dict[str, Any]:
    """Move the caller's sandbox clock forward `by` an ISO 8601 duration."""
    return plaid.ok("/_gingham/clock/advance", {"by": by})


# Plaid's `user_good` accounts at First Platypus Bank, in order: (name, mask, type, subtype).
USER_GOOD_ACCOUNTS = [
    ("Plaid Checking", "0000", "depository", "checking"),
    ("Plaid Saving", "1111", "depository", "savings"),
    ("Plaid CD", "2222", "depository", "cd"),
    ("Plaid Credit Card", "3333", "credit", "credit card"),
    ("Plaid Money Market", "4444", "depository", "money market"),
    ("Plaid IRA", "5555", "investment", "ira"),
    ("Plaid 401k", "6666", "investment", "401k"),
    ("Plaid Student Loan", "7777", "loan", "student"),
    ("Plaid Mortgage", "8888", "loan", "mortgage"),
    ("Plaid HSA", "9001", "depository", "hsa"),
    ("Plaid Cash Management", "9002", "depository", "cash management"),
    ("Plaid Business Credit Card", "9999", "credit", "credit card"),
]
