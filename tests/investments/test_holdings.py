"""/investments/holdings/get: holdings that add up to each investment account's balance, the
same for every client linking the same login, and user_custom's holdings instead when given."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.builders import PlaidCaller
from tests.investments.helpers import accounts_by_mask, investments_item
from tests.update_mode.helpers import link_item, save_dtm


def holdings(plaid: PlaidCaller, access_token: str, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": access_token}
    if options:
        body["options"] = options
    return plaid.ok("/investments/holdings/get", body)


def custom_item(plaid: PlaidCaller, *accounts: dict[str, Any]) -> str:
    return plaid.access_token(
        initial_products=["investments"],
        options={
            "override_username": "user_custom",
            "override_password": json.dumps({"override_accounts": list(accounts)}),
        },
    )


class TestHoldingsGet:
    def test_holdings_add_up_to_each_investment_accounts_balance(self, plaid: PlaidCaller) -> None:
        answer = holdings(plaid, investments_item(plaid))
        accounts = accounts_by_mask(answer)
        for mask, balance in (("5555", 320.76), ("6666", 23631.9805)):
            account = accounts[mask]
            held = [h for h in answer["holdings"] if h["account_id"] == account["account_id"]]
            assert account["balances"]["current"] == balance
            assert sum(h["institution_value"] for h in held) == pytest.approx(balance, abs=1e-6)
            for holding in held:
                assert holding["institution_value"] == pytest.approx(
                    holding["quantity"] * holding["institution_price"], abs=0.01
                )
        assert {h["account_id"] for h in answer["holdings"]} == {
            accounts["5555"]["account_id"],
            accounts["6666"]["account_id"],
        }

    def test_every_holding_has_its_security(self, plaid: PlaidCaller) -> None:
        answer = holdings(plaid, investments_item(plaid))
        securities = {s["security_id"]: s for s in answer["securities"]}
        assert len(securities) == len(answer["securities"])
        assert {h["security_id"] for h in answer["holdings"]} == set(securities)
        # Prices are as of the last close before the client's today (Monday 2 March 2026).
        assert {h["institution_price_as_of"] for h in answer["holdings"]} == {"2026-02-27"}

    def test_the_same_login_gives_every_client_the_same_holdings(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        def shape(answer: dict[str, Any]) -> list[tuple[str, float, float]]:
            return [
                (h["security_id"], h["quantity"], h["institution_value"])
                for h in answer["holdings"]
            ]

        mine = holdings(plaid, investments_item(plaid))
        theirs = holdings(other_plaid, investments_item(other_plaid))
        assert shape(mine) == shape(theirs)

    def test_account_ids_option(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        ira = accounts_by_mask(holdings(plaid, token))["5555"]["account_id"]
        answer = holdings(plaid, token, account_ids=[ira])
        assert [a["account_id"] for a in answer["accounts"]] == [ira]
        assert {h["account_id"] for h in answer["holdings"]} == {ira}

    def test_the_first_call_bills_investments(self, plaid: PlaidCaller) -> None:
        token = plaid.access_token()
        holdings(plaid, token)
        item = plaid.ok("/item/get", {"access_token": token})["item"]
        assert "investments" in item["billed_products"]


class TestCustomHoldings:
    def test_user_customs_holdings_replace_the_generated_ones(self, plaid: PlaidCaller) -> None:
        token = custom_item(
            plaid,
            {
                "type": "investment",
                "subtype": "brokerage",
                "starting_balance": 1000,
                "meta": {"mask": "7070"},
                "holdings": [
                    {
                        "institution_price": 150,
                        "quantity": 4,
                        "cost_basis": 500,
                        "currency": "USD",
                        "security": {"ticker_symbol": "AAPL", "currency": "USD"},
                    },
                    {
                        "institution_price": 3.5,
                        "quantity": 10,
                        "currency": "USD",
                        "security": {"ticker_symbol": "NFLX280121C00900000", "currency": "USD"},
                    },
                ],
            },
        )
        answer = holdings(plaid, token)
        assert [(h["quantity"], h["institution_value"]) for h in answer["holdings"]] == [
            (4.0, 600.0),
            (10.0, 35.0),
        ]
        by_ticker = {s["ticker_symbol"]: s for s in answer["securities"]}
        assert by_ticker["AAPL"]["cusip"] == "037833100"
        option = by_ticker["NFLX280121C00900000"]
        assert (option["type"], option["subtype"]) == ("derivative", "option")
        assert option["option_contract"] == {
            "contract_type": "call",
            "expiration_date": "2028-01-21",
            "strike_price": 900.0,
            "underlying_security_ticker": "NFLX",
        }
        # user_custom's balance is its own: nothing moves it.
        assert answer["accounts"][0]["balances"]["current"] == 1000

    @pytest.mark.parametrize(
        ("holding", "message"),
        [
            (
                {"quantity": 1, "currency": "USD", "security": {"ticker_symbol": "X"}},
                "institution_price",
            ),
            (
                {
                    "institution_price": 1,
                    "quantity": "many",
                    "currency": "USD",
                    "security": {"ticker_symbol": "X"},
                },
                "holdings[0].quantity must be a number",
            ),
            (
                {
                    "institution_price": 1,
                    "quantity": 1,
                    "currency": "USD",
                    "security": {"cusip": "037833101"},
                },
                "037833101 is not a valid CUSIP",
            ),
            (
                {
                    "institution_price": 1,
                    "quantity": 1,
                    "currency": "USD",
                    "security": {"name": "x"},
                },
                "needs a ticker_symbol, cusip or isin",
            ),
        ],
    )
    def test_a_bad_override_is_a_plaid_error_naming_it(
        self, plaid: PlaidCaller, holding: dict[str, Any], message: str
    ) -> None:
        token = custom_item(
            plaid,
            {
                "type": "investment",
                "subtype": "ira",
                "meta": {"mask": "7071"},
                "holdings": [holding],
            },
        )
        error = plaid.error("/investments/holdings/get", {"access_token": token})
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "7071" in error["error_message"]
        assert message in error["error_message"]


class TestRefusals:
    def test_no_investment_accounts(self, plaid: PlaidCaller) -> None:
        token = custom_item(plaid, {"type": "depository", "subtype": "checking"})
        error = plaid.error("/investments/holdings/get", {"access_token": token})
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "NO_INVESTMENT_ACCOUNTS",
        )

    def test_item_in_error(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        error = plaid.error("/investments/holdings/get", {"access_token": token})
        assert error["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_data_transparency_item_needs_consent(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid, customization=save_dtm(plaid))
        error = plaid.error("/investments/holdings/get", {"access_token": linked.access_token})
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "ADDITIONAL_CONSENT_REQUIRED",
        )

    def test_unknown_account_id(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        error = plaid.error(
            "/investments/holdings/get", {"access_token": token, "options": {"account_ids": ["x"]}}
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID"

    def test_another_clients_token(self, plaid: PlaidCaller, other_plaid: PlaidCaller) -> None:
        error = other_plaid.error(
            "/investments/holdings/get", {"access_token": investments_item(plaid)}
        )
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"
