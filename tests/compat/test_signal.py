"""Signal's endpoints through plaid-python against a live server."""

from __future__ import annotations

import uuid

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest
from plaid.model.signal_decision_outcome import SignalDecisionOutcome
from plaid.model.signal_decision_report_request import SignalDecisionReportRequest
from plaid.model.signal_evaluate_request import SignalEvaluateRequest
from plaid.model.signal_payment_method import SignalPaymentMethod
from plaid.model.signal_prepare_request import SignalPrepareRequest
from plaid.model.signal_return_report_request import SignalReturnReportRequest
from plaid.model.signal_user import SignalUser

from tests.compat.conftest import LinkedItem, assert_plaid_error
from tests.compat.products_helpers import consented_to_transactions_only
from tests.live_server import LiveGingham


def checking_id(api: plaid_api.PlaidApi, item: LinkedItem) -> str:
    accounts = api.accounts_get(AccountsGetRequest(access_token=item.access_token)).accounts
    account_id: str = accounts[0].account_id
    return account_id


def evaluation(
    api: plaid_api.PlaidApi, item: LinkedItem, amount: float, **fields: object
) -> SignalEvaluateRequest:
    return SignalEvaluateRequest(
        access_token=item.access_token,
        account_id=fields.pop("account_id", None) or checking_id(api, item),
        client_transaction_id=str(uuid.uuid4()),
        amount=amount,
        **fields,
    )


class TestEvaluate:
    @pytest.mark.parametrize(
        ("amount", "score", "result"),
        [(3.53, 10, "ACCEPT"), (12.17, 60, "REVIEW"), (27.53, 90, "REROUTE")],
    )
    def test_plaids_sandbox_amounts(
        self,
        plaid_client: plaid_api.PlaidApi,
        linked_item: LinkedItem,
        amount: float,
        score: int,
        result: str,
    ) -> None:
        response = plaid_client.signal_evaluate(
            evaluation(
                plaid_client,
                linked_item,
                amount,
                ruleset_key="onboarding",
                user_present=True,
                client_user_id="user-1",
                user=SignalUser(email_address="accountholder0@example.com"),
            )
        )

        assert response.scores.customer_initiated_return_risk.score.value == score
        assert response.scores.bank_initiated_return_risk.score.value == score
        assert 1 <= response.scores.customer_initiated_return_risk.risk_tier.value <= 5
        assert (response.ruleset.ruleset_key, response.ruleset.result.value) == (
            "onboarding",
            result,
        )
        assert response.core_attributes.available_balance == 100
        assert response.core_attributes.is_account_closed is False
        assert response.warnings == []
        assert response.request_id

    def test_signal_is_billed_and_prepare_leaves_it_so(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        plaid_client.signal_prepare(SignalPrepareRequest(access_token=linked_item.access_token))
        plaid_client.signal_evaluate(evaluation(plaid_client, linked_item, 20.0))
        item = plaid_client.item_get(ItemGetRequest(access_token=linked_item.access_token)).item
        assert [p.value for p in item.billed_products] == ["signal", "transactions"]

    def test_unknown_account_id(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.signal_evaluate(
                evaluation(plaid_client, linked_item, 20.0, account_id="nope")
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )

    def test_wrong_types(self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem) -> None:
        request = SignalEvaluateRequest(
            access_token=linked_item.access_token,
            account_id=checking_id(plaid_client, linked_item),
            client_transaction_id="t-1",
            amount="twenty",
            _check_type=False,
        )
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.signal_evaluate(request)
        body = assert_plaid_error(
            caught.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )
        assert "amount" in body["error_message"]

    def test_item_in_an_error_state(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        request = evaluation(plaid_client, linked_item, 20.0)
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=linked_item.access_token)
        )
        for call, body in (
            (plaid_client.signal_evaluate, request),
            (
                plaid_client.signal_prepare,
                SignalPrepareRequest(access_token=linked_item.access_token),
            ),
        ):
            with pytest.raises(plaid.ApiException) as caught:
                call(body)
            assert_plaid_error(
                caught.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
            )

    def test_without_the_users_consent(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        item = consented_to_transactions_only(plaid_client, live_gingham)
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.signal_evaluate(evaluation(plaid_client, item, 20.0))
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="ITEM_ERROR",
            error_code="ADDITIONAL_CONSENT_REQUIRED",
        )


class TestReports:
    def test_decision_and_return(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        request = evaluation(plaid_client, linked_item, 20.0)
        plaid_client.signal_evaluate(request)

        decision = plaid_client.signal_decision_report(
            SignalDecisionReportRequest(
                client_transaction_id=request.client_transaction_id,
                initiated=True,
                days_funds_on_hold=2,
                decision_outcome=SignalDecisionOutcome("APPROVE"),
                payment_method=SignalPaymentMethod("SAME_DAY_ACH"),
                amount_instantly_available=10.0,
            )
        )
        returned = plaid_client.signal_return_report(
            SignalReturnReportRequest(
                client_transaction_id=request.client_transaction_id, return_code="R01"
            )
        )
        assert decision.request_id and returned.request_id

    def test_unknown_client_transaction_id(self, plaid_client: plaid_api.PlaidApi) -> None:
        for call, request in (
            (
                plaid_client.signal_decision_report,
                SignalDecisionReportRequest(
                    client_transaction_id="never-evaluated", initiated=True
                ),
            ),
            (
                plaid_client.signal_return_report,
                SignalReturnReportRequest(
                    client_transaction_id="never-evaluated", return_code="R01"
                ),
            ),
        ):
            with pytest.raises(plaid.ApiException) as caught:
                call(request)
            body = assert_plaid_error(
                caught.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
            )
            assert "never-evaluated" in body["error_message"]

    def test_invalid_return_code(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        request = evaluation(plaid_client, linked_item, 20.0)
        plaid_client.signal_evaluate(request)
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.signal_return_report(
                SignalReturnReportRequest(
                    client_transaction_id=request.client_transaction_id, return_code="X1"
                )
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )
