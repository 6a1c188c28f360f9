"""/investments/transactions/get: a date window paged by count and offset, newest first, that
adds up to the holdings and never changes what it served as the clock moves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.builders import PlaidCaller
from tests.investments.helpers import accounts_by_mask, all_transactions, investments_item

# The client's today in these tests is 2 March 2026; history reaches 24 months back.
TODAY = "2026-03-02"
START = "2024-01-01"


def page(
    plaid: PlaidCaller, token: str, start: str = START, end: str = TODAY, **options: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": token, "start_date": start, "end_date": end}
    if options:
        body["options"] = options
    return plaid.ok("/investments/transactions/get", body)


class TestWindowAndPages:
    def test_default_page_of_a_hundred_newest_first(self, plaid: PlaidCaller) -> None:
        answer = page(plaid, investments_item(plaid))
        listed = answer["investment_transactions"]
        assert len(listed) == 100
        assert answer["total_investment_transactions"] > 300
        dates = [t["date"] for t in listed]
        assert dates == sorted(dates, reverse=True)
        assert dates[0] <= TODAY

    def test_pages_cover_the_window_once(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        whole = all_transactions(plaid, token, START, TODAY)
        pieces = []
        for offset in range(0, len(whole), 37):
            pieces += page(plaid, token, count=37, offset=offset)["investment_transactions"]
        assert pieces == whole
        assert len({t["investment_transaction_id"] for t in whole}) == len(whole)

    def test_history_starts_24_months_before_linking(self, plaid: PlaidCaller) -> None:
        whole = all_transactions(plaid, investments_item(plaid), "2020-01-01", TODAY)
        oldest = whole[-1]
        assert oldest["date"] == "2024-03-02"
        assert oldest["type"] in ("transfer", "cash")

    def test_the_window_bounds_the_dates(self, plaid: PlaidCaller) -> None:
        listed = all_transactions(plaid, investments_item(plaid), "2025-06-01", "2025-06-30")
        assert listed and all("2025-06-01" <= t["date"] <= "2025-06-30" for t in listed)

    def test_securities_are_those_of_the_page(self, plaid: PlaidCaller) -> None:
        answer = page(plaid, investments_item(plaid), count=10)
        referenced = {t["security_id"] for t in answer["investment_transactions"]} - {None}
        assert {s["security_id"] for s in answer["securities"]} == referenced

    def test_account_ids_option(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        ira = accounts_by_mask(page(plaid, token))["5555"]["account_id"]
        listed = all_transactions(plaid, token, START, TODAY, account_ids=[ira])
        assert listed and {t["account_id"] for t in listed} == {ira}


class TestConsistency:
    def test_transactions_add_up_to_the_holdings(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        listed = all_transactions(plaid, token, "2020-01-01", TODAY)
        held = plaid.ok("/investments/holdings/get", {"access_token": token})
        cash_ids = {s["security_id"] for s in held["securities"] if s["type"] == "cash"}
        for holding in held["holdings"]:
            mine = [t for t in listed if t["account_id"] == holding["account_id"]]
            if holding["security_id"] in cash_ids:
                total = -sum(t["amount"] for t in mine)
            else:
                total = sum(
                    t["quantity"] for t in mine if t["security_id"] == holding["security_id"]
                )
            assert total == pytest.approx(holding["quantity"], abs=1e-3)

    def test_what_was_served_never_changes_as_the_clock_moves(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        before = all_transactions(plaid, token, "2020-01-01", TODAY)
        plaid.ok("/_gingham/clock/advance", {"by": "P45D"})
        after = all_transactions(plaid, token, "2020-01-01", "2026-04-16")
        assert after[-len(before) :] == before
        assert len(after) > len(before)
        assert all(t["date"] > TODAY for t in after[: len(after) - len(before)])

    def test_the_same_login_gives_the_same_history_with_ids_of_each_item(
        self, plaid: PlaidCaller
    ) -> None:
        first = page(plaid, investments_item(plaid))["investment_transactions"]
        second = page(plaid, investments_item(plaid))["investment_transactions"]

        def shape(listed: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
            return [(t["date"], t["name"], t["quantity"], t["amount"]) for t in listed]

        assert shape(first) == shape(second)
        assert {t["investment_transaction_id"] for t in first}.isdisjoint(
            t["investment_transaction_id"] for t in second
        )


class TestCustomTransactions:
    def test_user_customs_transactions_replace_the_generated_ones(self, plaid: PlaidCaller) -> None:
        account = {
            "type": "investment",
            "subtype": "brokerage",
            "meta": {"mask": "7272"},
            "investment_transactions": [
                {
                    "date": "2026-01-15",
                    "name": "BUY Apple Inc.",
                    "quantity": 2,
                    "price": 180,
                    "fees": 1,
                    "type": "buy",
                    "currency": "USD",
                    "security": {"ticker_symbol": "AAPL", "currency": "USD"},
                },
                {
                    "date": "2026-02-01",
                    "name": "DEPOSIT",
                    "quantity": 0,
                    "price": 0,
                    "type": "cash",
                    "currency": "USD",
                },
            ],
        }
        token = plaid.access_token(
            initial_products=["investments"],
            options={
                "override_username": "user_custom",
                "override_password": json.dumps({"override_accounts": [account]}),
            },
        )
        answer = page(plaid, token)
        assert [(t["date"], t["type"], t["amount"]) for t in answer["investment_transactions"]] == [
            ("2026-02-01", "cash", 0.0),
            ("2026-01-15", "buy", 361.0),
        ]
        assert [s["ticker_symbol"] for s in answer["securities"]] == ["AAPL"]

    def test_a_bad_type_is_named(self, plaid: PlaidCaller) -> None:
        account = {
            "type": "investment",
            "subtype": "ira",
            "investment_transactions": [
                {
                    "date": "2026-01-15",
                    "name": "X",
                    "quantity": 1,
                    "price": 1,
                    "type": "gift",
                    "currency": "USD",
                }
            ],
        }
        token = plaid.access_token(
            initial_products=["investments"],
            options={
                "override_username": "user_custom",
                "override_password": json.dumps({"override_accounts": [account]}),
            },
        )
        error = plaid.error(
            "/investments/transactions/get",
            {"access_token": token, "start_date": START, "end_date": TODAY},
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "investment_transactions[0].type must be one of" in error["error_message"]


class TestRefusals:
    @pytest.mark.parametrize(
        ("body", "named"),
        [
            ({"start_date": "2026-03-02", "end_date": "2026-03-01"}, "end_date"),
            ({"start_date": "2026-02-30", "end_date": "2026-03-01"}, "start_date"),
            ({"start_date": "2026-01-01", "end_date": "March"}, "end_date"),
            ({"start_date": START, "end_date": TODAY, "options": {"count": 0}}, "options.count"),
            ({"start_date": START, "end_date": TODAY, "options": {"count": 501}}, "options.count"),
            ({"start_date": START, "end_date": TODAY, "options": {"offset": -1}}, "options.offset"),
        ],
    )
    def test_invalid_fields(self, plaid: PlaidCaller, body: dict[str, Any], named: str) -> None:
        error = plaid.error(
            "/investments/transactions/get", {"access_token": investments_item(plaid), **body}
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert named in error["error_message"]

    def test_dates_are_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/investments/transactions/get", {"access_token": investments_item(plaid)}
        )
        assert error["error_code"] == "MISSING_FIELDS"

    def test_item_in_error(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        error = plaid.error(
            "/investments/transactions/get",
            {"access_token": token, "start_date": START, "end_date": TODAY},
        )
        assert error["error_code"] == "ITEM_LOGIN_REQUIRED"
