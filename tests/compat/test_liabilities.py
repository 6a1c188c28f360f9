"""/liabilities/get through plaid-python against a live server."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.liabilities_get_request import LiabilitiesGetRequest
from plaid.model.liabilities_get_request_options import LiabilitiesGetRequestOptions
from plaid.model.sandbox_item_fire_webhook_request import SandboxItemFireWebhookRequest
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest
from plaid.model.webhook_type import WebhookType

from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item

WEBHOOK = "https://app.example.com/plaid/webhook"


@pytest.fixture
def liabilities_item(plaid_client: plaid_api.PlaidApi) -> LinkedItem:
    return link_item(plaid_client, products=("liabilities",), webhook=WEBHOOK)


def liabilities(api: plaid_api.PlaidApi, access_token: str, **options: object) -> object:
    request = LiabilitiesGetRequest(access_token=access_token)
    if options:
        request.options = LiabilitiesGetRequestOptions(**options)
    return api.liabilities_get(request)


class TestLiabilitiesGet:
    def test_plaids_sandbox_values_for_user_good(
        self, plaid_client: plaid_api.PlaidApi, liabilities_item: LinkedItem
    ) -> None:
        response = liabilities(plaid_client, liabilities_item.access_token)
        by_mask = {a.mask: a.account_id for a in response.accounts}
        found = response.liabilities
        today = datetime.now(UTC).date()

        credit = {c.account_id: c for c in found.credit}
        assert set(credit) == {by_mask["3333"], by_mask["9999"]}
        card = credit[by_mask["3333"]]
        assert [(a.apr_type, a.apr_percentage) for a in card.aprs] == [
            ("balance_transfer_apr", 15.24),
            ("cash_apr", 27.95),
            ("purchase_apr", 12.5),
            ("special", 0.0),
        ]
        assert (card.last_statement_balance, card.minimum_payment_amount) == (1708.77, 20.0)
        assert card.last_statement_issue_date <= today < card.next_payment_due_date

        [loan] = found.student
        assert loan.account_id == by_mask["7777"]
        assert (loan.loan_name, loan.guarantor, loan.interest_rate_percentage) == (
            "Consolidation",
            "DEPT OF ED",
            5.25,
        )
        assert loan.repayment_plan.type == "standard"
        assert loan.servicer_address.street == "123 Relaxation Road"
        assert loan.last_payment_date < loan.last_statement_issue_date <= today

        [mortgage] = found.mortgage
        assert mortgage.account_id == by_mask["8888"]
        assert (mortgage.interest_rate.percentage, mortgage.interest_rate.type) == (3.99, "fixed")
        assert mortgage.property_address.street == "2992 Cameron Road"
        assert (mortgage.escrow_balance, mortgage.has_pmi) == (3141.54, True)
        assert mortgage.last_payment_date <= today < mortgage.next_payment_due_date
        assert mortgage.origination_date == date(2015, 8, 1)

    def test_account_ids_option(
        self, plaid_client: plaid_api.PlaidApi, liabilities_item: LinkedItem
    ) -> None:
        every = liabilities(plaid_client, liabilities_item.access_token)
        mortgage = next(a.account_id for a in every.accounts if a.mask == "8888")
        response = liabilities(plaid_client, liabilities_item.access_token, account_ids=[mortgage])
        assert [a.account_id for a in response.accounts] == [mortgage]
        assert [m.account_id for m in response.liabilities.mortgage] == [mortgage]
        assert (response.liabilities.credit, response.liabilities.student) == (None, None)

    def test_user_custom_override(self, plaid_client: plaid_api.PlaidApi) -> None:
        custom = {
            "override_accounts": [
                {
                    "type": "credit",
                    "subtype": "credit card",
                    "starting_balance": 1200,
                    "meta": {"mask": "4242"},
                    "liability": {"type": "credit", "purchase_apr": 21.99, "is_overdue": True},
                },
                {
                    "type": "loan",
                    "subtype": "student",
                    "starting_balance": 9000,
                    "liability": {
                        "type": "student",
                        "loan_name": "Grad PLUS",
                        "nominal_apr": 6.28,
                        "repayment_plan_type": "pay as you earn",
                        "pslf_status": {"payments_made": 40, "payments_remaining": 80},
                    },
                },
            ]
        }
        linked = link_item(
            plaid_client,
            products=("liabilities",),
            username="user_custom",
            password=json.dumps(custom),
        )
        found = liabilities(plaid_client, linked.access_token).liabilities
        [card] = found.credit
        assert [(a.apr_type, a.apr_percentage) for a in card.aprs] == [("purchase_apr", 21.99)]
        assert card.is_overdue is True
        [loan] = found.student
        assert (loan.loan_name, loan.interest_rate_percentage) == ("Grad PLUS", 6.28)
        assert loan.repayment_plan.type == "pay as you earn"
        assert (loan.pslf_status.payments_made, loan.pslf_status.payments_remaining) == (40, 80)
        assert found.mortgage is None

    def test_invalid_override_is_named(self, plaid_client: plaid_api.PlaidApi) -> None:
        custom = {
            "override_accounts": [
                {
                    "type": "credit",
                    "subtype": "credit card",
                    "meta": {"mask": "4242"},
                    "liability": {"type": "credit", "purchase_apr": "high"},
                }
            ]
        }
        linked = link_item(
            plaid_client,
            products=("liabilities",),
            username="user_custom",
            password=json.dumps(custom),
        )
        with pytest.raises(plaid.ApiException) as raised:
            liabilities(plaid_client, linked.access_token)
        body = assert_plaid_error(
            raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )
        assert "4242" in body["error_message"]
        assert "purchase_apr must be a number" in body["error_message"]

    def test_item_without_liability_accounts(self, plaid_client: plaid_api.PlaidApi) -> None:
        custom = {"override_accounts": [{"type": "depository", "subtype": "checking"}]}
        linked = link_item(plaid_client, username="user_custom", password=json.dumps(custom))
        with pytest.raises(plaid.ApiException) as raised:
            liabilities(plaid_client, linked.access_token)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="NO_LIABILITY_ACCOUNTS"
        )

    def test_unknown_account_id(
        self, plaid_client: plaid_api.PlaidApi, liabilities_item: LinkedItem
    ) -> None:
        with pytest.raises(plaid.ApiException) as raised:
            liabilities(plaid_client, liabilities_item.access_token, account_ids=["nope"])
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )

    def test_item_in_error(
        self, plaid_client: plaid_api.PlaidApi, liabilities_item: LinkedItem
    ) -> None:
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=liabilities_item.access_token)
        )
        with pytest.raises(plaid.ApiException) as raised:
            liabilities(plaid_client, liabilities_item.access_token)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
        )

    def test_fire_default_update(
        self, plaid_client: plaid_api.PlaidApi, liabilities_item: LinkedItem
    ) -> None:
        response = plaid_client.sandbox_item_fire_webhook(
            SandboxItemFireWebhookRequest(
                access_token=liabilities_item.access_token,
                webhook_code="DEFAULT_UPDATE",
                webhook_type=WebhookType("LIABILITIES"),
            )
        )
        assert response.webhook_fired is True
