"""Signal in-process: scores steered by the amount, the ruleset, core attributes, and the reports."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.builders import PlaidCaller


def evaluate_body(
    plaid: PlaidCaller, access_token: str, amount: float, **overrides: Any
) -> dict[str, Any]:
    accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
    body = {
        "access_token": access_token,
        "account_id": accounts[0]["account_id"],  # Plaid Checking: available 100, current 110
        "client_transaction_id": str(uuid.uuid4()),
        "amount": amount,
    }
    return {**body, **overrides}


def evaluate(plaid: PlaidCaller, amount: float, **overrides: Any) -> dict[str, Any]:
    access_token = overrides.pop("access_token", None) or plaid.access_token()
    return plaid.ok("/signal/evaluate", evaluate_body(plaid, access_token, amount, **overrides))


class TestScores:
    @pytest.mark.parametrize(
        ("amount", "score", "result"),
        [(3.53, 10, "ACCEPT"), (12.17, 60, "REVIEW"), (27.53, 90, "REROUTE")],
    )
    def test_plaids_sandbox_amounts(
        self, plaid: PlaidCaller, amount: float, score: int, result: str
    ) -> None:
        got = evaluate(plaid, amount, ruleset_key="onboarding")

        scores = got["scores"]
        assert scores["customer_initiated_return_risk"]["score"] == score
        assert scores["bank_initiated_return_risk"]["score"] == score
        assert got["ruleset"]["ruleset_key"] == "onboarding"
        assert got["ruleset"]["result"] == result
        assert got["ruleset"]["triggered_rule_details"]["internal_note"]
        assert got["warnings"] == []

    @pytest.mark.parametrize(
        ("amount", "bank_score", "bank_tier", "result"),
        [
            (5, 5, 1, "ACCEPT"),
            (40, 30, 3, "ACCEPT"),
            (90, 55, 5, "REVIEW"),
            (150, 85, 7, "REROUTE"),
        ],
    )
    def test_other_amounts_are_scored_against_the_available_balance(
        self, plaid: PlaidCaller, amount: float, bank_score: int, bank_tier: int, result: str
    ) -> None:
        got = evaluate(plaid, amount)

        bank = got["scores"]["bank_initiated_return_risk"]
        assert (bank["score"], bank["risk_tier"]) == (bank_score, bank_tier)
        customer = got["scores"]["customer_initiated_return_risk"]
        assert (customer["score"], customer["risk_tier"]) == (5 if amount < 100 else 10, 1)
        assert got["ruleset"] == {
            "ruleset_key": "default",
            "result": result,
            "triggered_rule_details": got["ruleset"]["triggered_rule_details"],
        }

    def test_a_user_not_present_raises_the_customer_initiated_risk(
        self, plaid: PlaidCaller
    ) -> None:
        got = evaluate(plaid, 5000, user_present=False)
        assert got["scores"]["customer_initiated_return_risk"] == {"score": 45, "risk_tier": 3}

    def test_the_deprecated_risk_profile_key_names_the_ruleset(self, plaid: PlaidCaller) -> None:
        got = evaluate(plaid, 27.53, risk_profile_key="legacy")
        assert got["ruleset"]["ruleset_key"] == "legacy"
        assert got["risk_profile"] == {"key": "legacy", "outcome": "REROUTE"}

    def test_the_same_request_scores_the_same(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        first = evaluate(plaid, 42.5, access_token=access_token)
        second = evaluate(plaid, 42.5, access_token=access_token)
        assert first["scores"] == second["scores"]


class TestCoreAttributes:
    def test_balances_account_kind_and_connections(self, plaid: PlaidCaller) -> None:
        got = evaluate(plaid, 50)["core_attributes"]

        assert (got["available_balance"], got["current_balance"]) == (100, 110)
        assert got["balance_to_transaction_amount_ratio"] == 2
        assert got["balance_last_updated"].endswith("Z")
        assert got["is_savings_or_money_market_account"] is False
        assert (got["is_account_closed"], got["is_account_frozen_or_restricted"]) == (False, False)
        assert got["days_since_first_plaid_connection"] >= 0
        assert got["total_plaid_connections_count"] >= 1
        assert got["phone_change_count_90d"] == 0
        # What Gingham cannot know stays null, as Plaid allows.
        assert got["distinct_ip_addresses_count_30d"] is None
        assert len(got) == 81

    def test_connections_count_every_item_of_the_login(self, plaid: PlaidCaller) -> None:
        before = evaluate(plaid, 50)["core_attributes"]["total_plaid_connections_count"]
        plaid.access_token()
        after = evaluate(plaid, 50)["core_attributes"]
        assert after["total_plaid_connections_count"] == before + 2
        assert after["plaid_connections_count_7d"] >= 2


class TestEvaluateErrors:
    def test_signal_is_billed_on_first_use(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        evaluate(plaid, 10, access_token=access_token)
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["billed_products"] == ["signal", "transactions"]

    def test_unknown_account_id(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        body = evaluate_body(plaid, access_token, 10, account_id="nope")
        assert plaid.error("/signal/evaluate", body)["error_code"] == "INVALID_ACCOUNT_ID"

    def test_non_positive_amount(self, plaid: PlaidCaller) -> None:
        body = evaluate_body(plaid, plaid.access_token(), -5)
        error = plaid.error("/signal/evaluate", body)
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_FIELD",
            "amount must be a positive amount in USD (got -5)",
        )

    def test_wrong_types_and_missing_fields(self, plaid: PlaidCaller) -> None:
        body = evaluate_body(plaid, plaid.access_token(), 10)
        assert (
            plaid.error("/signal/evaluate", {**body, "amount": "ten"})["error_code"]
            == "INVALID_FIELD"
        )
        del body["client_transaction_id"]
        assert plaid.error("/signal/evaluate", body)["error_code"] == "MISSING_FIELDS"

    def test_item_in_an_error_state(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        body = evaluate_body(plaid, access_token, 10)
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        assert plaid.error("/signal/evaluate", body)["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert (
            plaid.error("/signal/prepare", {"access_token": access_token})["error_code"]
            == "ITEM_LOGIN_REQUIRED"
        )


class TestReports:
    def test_decision_and_return_of_an_evaluated_transaction(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        body = evaluate_body(plaid, access_token, 20)
        plaid.ok("/signal/evaluate", body)
        transaction = body["client_transaction_id"]

        decision = {
            "client_transaction_id": transaction,
            "initiated": True,
            "days_funds_on_hold": 3,
            "decision_outcome": "APPROVE",
            "payment_method": "STANDARD_ACH",
            "amount_instantly_available": 5,
        }
        assert plaid.ok("/signal/decision/report", decision) == {}
        # A later report corrects the earlier one.
        assert plaid.ok("/signal/decision/report", {**decision, "initiated": False}) == {}
        returned = {
            "client_transaction_id": transaction,
            "return_code": "R01",
            "returned_at": "2026-03-05T10:00:00Z",
        }
        assert plaid.ok("/signal/return/report", returned) == {}

    def test_an_unknown_or_other_clients_transaction_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        body = evaluate_body(plaid, plaid.access_token(), 20)
        plaid.ok("/signal/evaluate", body)
        for caller, transaction in (
            (plaid, "never-evaluated"),
            (other_plaid, body["client_transaction_id"]),
        ):
            error = caller.error(
                "/signal/decision/report", {"client_transaction_id": transaction, "initiated": True}
            )
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_REQUEST",
                "INVALID_FIELD",
            )
            assert transaction in error["error_message"]
            error = caller.error(
                "/signal/return/report",
                {"client_transaction_id": transaction, "return_code": "R01"},
            )
            assert error["error_code"] == "INVALID_FIELD"

    def test_malformed_reports(self, plaid: PlaidCaller) -> None:
        body = evaluate_body(plaid, plaid.access_token(), 20)
        plaid.ok("/signal/evaluate", body)
        transaction = body["client_transaction_id"]
        bad_code = plaid.error(
            "/signal/return/report", {"client_transaction_id": transaction, "return_code": "R99"}
        )
        assert (
            bad_code["error_message"]
            == "return_code must be a valid ACH return code such as R01 (got 'R99')"
        )
        too_much = plaid.error(
            "/signal/decision/report",
            {
                "client_transaction_id": transaction,
                "initiated": True,
                "amount_instantly_available": 21,
            },
        )
        assert too_much["error_code"] == "INVALID_FIELD"
        not_boolean = plaid.error(
            "/signal/decision/report", {"client_transaction_id": transaction, "initiated": "yes"}
        )
        assert not_boolean["error_code"] == "INVALID_FIELD"


class TestPrepare:
    def test_prepare_adds_signal_to_the_item_once(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        assert plaid.ok("/signal/prepare", {"access_token": access_token}) == {}
        assert plaid.ok("/signal/prepare", {"access_token": access_token}) == {}
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["billed_products"] == ["signal", "transactions"]
