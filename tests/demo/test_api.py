"""The demo app's backend: it keeps the access token from the page and reads the Item's data for
it through an allow-list of Plaid endpoints."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from gingham.demo.calls import INVESTMENT_TRANSACTIONS_WINDOW, LATEST_ROWS
from gingham.demo.guard import CSRF_HEADER
from gingham.demo.item_cookie import COOKIE_NAME
from tests.builders import PlaidCaller

EXCHANGE = "/_gingham/demo/exchange"
CALL = "/_gingham/demo/plaid"
ORIGIN = "http://testserver"


def open_demo_page(client: TestClient) -> dict[str, str]:
    """Load the demo page as a browser does: it sets the CSRF cookie, and the page sends the
    token from its meta tag with every call (and the browser its Origin)."""
    page = client.get("/")
    assert page.status_code == 200
    token = re.search(r'name="gingham-demo-csrf" content="([^"]+)"', page.text)
    assert token is not None
    return {"Origin": ORIGIN, CSRF_HEADER: token.group(1)}


@pytest.fixture(autouse=True)
def demo_page(plaid: PlaidCaller) -> dict[str, str]:
    headers = open_demo_page(plaid.client)
    plaid.client.headers.update(headers)
    return headers


def link_in_demo(plaid: PlaidCaller, **overrides: Any) -> httpx.Response:
    """What the demo page does after Link's onSuccess, for an Item of the default API client."""
    response = plaid.client.post(EXCHANGE, json={"public_token": plaid.public_token(**overrides)})
    assert response.status_code == 200, response.text
    return response


def call(plaid: PlaidCaller, endpoint: str, params: dict[str, Any] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"endpoint": endpoint}
    if params is not None:
        body["params"] = params
    return plaid.client.post(CALL, json=body)


class TestExchange:
    def test_the_access_token_is_kept_in_a_sealed_cookie_the_page_cannot_read(
        self, plaid: PlaidCaller
    ) -> None:
        response = link_in_demo(plaid)
        assert "access-sandbox" not in response.text
        assert response.json()["accounts"][0]["name"] == "Plaid Checking"
        set_cookie = response.headers["set-cookie"]
        assert set_cookie.startswith(f"{COOKIE_NAME}=")
        attributes = {part.strip().lower() for part in set_cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/_gingham/demo"} <= attributes
        assert "access-sandbox" not in set_cookie

    def test_a_failed_exchange_sets_no_cookie(self, plaid: PlaidCaller) -> None:
        response = plaid.client.post(EXCHANGE, json={"public_token": "public-sandbox-nope"})
        assert response.status_code == 400
        assert "set-cookie" not in response.headers


class TestCallPlaid:
    def test_answers_with_the_endpoints_own_response(self, plaid: PlaidCaller) -> None:
        link_in_demo(plaid, initial_products=["auth"])
        response = call(plaid, "/auth/get")
        assert response.status_code == 200, response.text
        got = response.json()
        assert got["numbers"]["ach"][0]["routing"]
        assert got["item"]["billed_products"] == ["auth"]
        assert "access-sandbox" not in response.text

    def test_without_a_linked_item_the_page_is_told_to_link_first(self, plaid: PlaidCaller) -> None:
        response = call(plaid, "/auth/get")
        assert response.status_code == 400
        assert response.json()["error_code"] == "NO_LINKED_ITEM"

    def test_a_tampered_cookie_reaches_no_item(self, plaid: PlaidCaller) -> None:
        link_in_demo(plaid)
        sealed = plaid.client.cookies[COOKIE_NAME]
        plaid.client.cookies.delete(COOKIE_NAME)
        forged = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
        plaid.client.cookies.set(COOKIE_NAME, forged, path="/_gingham/demo")
        response = call(plaid, "/auth/get")
        assert response.json()["error_code"] == "NO_LINKED_ITEM"

    @pytest.mark.parametrize(
        "endpoint", ["/item/remove", "/item/access_token/invalidate", "/sandbox/item/reset_login"]
    )
    def test_only_allow_listed_endpoints_can_be_called(
        self, plaid: PlaidCaller, endpoint: str
    ) -> None:
        link_in_demo(plaid)
        response = call(plaid, endpoint)
        assert response.status_code == 400
        error = response.json()
        assert error["error_code"] == "INVALID_FIELD"
        assert "endpoint must be one of" in error["error_message"]

    def test_the_page_may_not_set_fields_the_backend_writes(self, plaid: PlaidCaller) -> None:
        link_in_demo(plaid)
        response = call(plaid, "/auth/get", {"access_token": "access-sandbox-someone-else"})
        assert response.status_code == 400
        assert response.json()["error_code"] == "UNKNOWN_FIELDS"

    def test_signal_needs_a_positive_amount(self, plaid: PlaidCaller) -> None:
        accounts = link_in_demo(plaid).json()["accounts"]
        response = call(
            plaid, "/signal/evaluate", {"account_id": accounts[0]["account_id"], "amount": -5}
        )
        assert response.status_code == 400
        assert response.json()["error_message"] == "amount must be greater than 0"


class TestProductData:
    """Each allow-listed product endpoint, as the demo's sections read it."""

    def test_investment_transactions_are_the_latest_of_the_last_year(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        link_in_demo(plaid, initial_products=["investments"])
        response = call(plaid, "/investments/transactions/get")
        assert response.status_code == 200, response.text
        got = response.json()
        rows = got["investment_transactions"]
        assert 0 < len(rows) <= LATEST_ROWS
        assert got["total_investment_transactions"] >= len(rows)
        oldest = clock.now().date() - INVESTMENT_TRANSACTIONS_WINDOW
        assert all(date.fromisoformat(row["date"]) >= oldest for row in rows)

    def test_holdings_and_liabilities_pass_through(self, plaid: PlaidCaller) -> None:
        link_in_demo(plaid, initial_products=["investments", "liabilities"])
        holdings = call(plaid, "/investments/holdings/get").json()
        assert holdings["holdings"] and holdings["securities"]
        liabilities = call(plaid, "/liabilities/get").json()["liabilities"]
        assert liabilities["credit"] and liabilities["student"] and liabilities["mortgage"]

    def test_identity_names_the_owners(self, plaid: PlaidCaller) -> None:
        link_in_demo(plaid, initial_products=["auth"])
        accounts = call(plaid, "/identity/get").json()["accounts"]
        assert all(account["owners"] for account in accounts)

    def test_each_signal_evaluation_is_a_new_debit(self, plaid: PlaidCaller) -> None:
        accounts = link_in_demo(plaid, initial_products=["auth"]).json()["accounts"]
        checking = accounts[0]["account_id"]
        for amount in (12.5, 12.5):
            response = call(plaid, "/signal/evaluate", {"account_id": checking, "amount": amount})
            assert response.status_code == 200, response.text
            scores = response.json()["scores"]
            for kind in ("customer_initiated_return_risk", "bank_initiated_return_risk"):
                assert 1 <= scores[kind]["score"] <= 99

    def test_a_product_the_item_lacks_answers_plaids_error(self, plaid: PlaidCaller) -> None:
        checking_only = {"override_accounts": [{"type": "depository", "subtype": "checking"}]}
        link_in_demo(
            plaid,
            initial_products=["auth"],
            options={
                "override_username": "user_custom",
                "override_password": json.dumps(checking_only),
            },
        )
        response = call(plaid, "/investments/holdings/get")
        assert response.status_code == 400
        error = response.json()
        assert error["error_type"] == "ITEM_ERROR"
        assert error["error_code"] == "NO_INVESTMENT_ACCOUNTS"


class TestOnlyTheDemoPage:
    """The demo acts for the default API client without credentials: only its own page may
    make it act, never another site, a form, or a script that has not loaded the page."""

    def test_another_origin_is_refused_before_anything_happens(self, plaid: PlaidCaller) -> None:
        response = plaid.client.post(
            EXCHANGE,
            json={"public_token": plaid.public_token()},
            headers={"Origin": "https://attacker.example"},
        )
        assert response.status_code == 403
        body = response.json()
        assert body["error_code"] == "DEMO_REQUEST_REFUSED"
        assert "https://attacker.example" in body["error_message"]
        assert "set-cookie" not in response.headers

    def test_a_request_without_origin_is_refused(self, plaid: PlaidCaller) -> None:
        del plaid.client.headers["Origin"]
        response = call(plaid, "/accounts/get")
        assert response.status_code == 403
        assert "missing" in response.json()["error_message"]

    def test_a_wrong_csrf_token_is_refused(self, plaid: PlaidCaller) -> None:
        link_in_demo(plaid)
        plaid.client.headers[CSRF_HEADER] = "guessed"
        response = call(plaid, "/accounts/get")
        assert response.status_code == 403
        assert CSRF_HEADER in response.json()["error_message"]

    def test_the_token_of_another_browser_is_refused(
        self, plaid: PlaidCaller, demo_page: dict[str, str]
    ) -> None:
        # Another browser's page token, sent with this browser's cookie.
        with TestClient(plaid.client.app) as other:
            theirs = open_demo_page(other)
        plaid.client.headers[CSRF_HEADER] = theirs[CSRF_HEADER]
        response = call(plaid, "/accounts/get")
        assert response.status_code == 403

    def test_a_form_post_is_refused(self, plaid: PlaidCaller) -> None:
        # What a cross-site HTML form could send (no JSON content type).
        response = plaid.client.post(
            CALL,
            content=b'{"endpoint": "/accounts/get"}',
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 403
        assert "application/json" in response.json()["error_message"]

    def test_the_csrf_cookie_is_httponly_and_strict(self, plaid: PlaidCaller) -> None:
        page = plaid.client.get("/")
        cookie = page.headers["set-cookie"]
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/_gingham/demo"} <= attributes
