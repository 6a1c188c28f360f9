"""/investments/holdings/get, /investments/transactions/get and /investments/refresh through
plaid-python against a live server: every answer deserializes into plaid-python's models, and
every refusal is Plaid's error."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2 as httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.investment_holdings_get_request_options import (
    InvestmentHoldingsGetRequestOptions,
)
from plaid.model.investments_holdings_get_request import InvestmentsHoldingsGetRequest
from plaid.model.investments_refresh_request import InvestmentsRefreshRequest
from plaid.model.investments_transactions_get_request import InvestmentsTransactionsGetRequest
from plaid.model.investments_transactions_get_request_options import (
    InvestmentsTransactionsGetRequestOptions,
)
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.sandbox_item_fire_webhook_request import SandboxItemFireWebhookRequest
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest
from plaid.model.webhook_type import WebhookType

from tests.builders import link_token_request
from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item

WEBHOOK = "https://app.example.com/plaid/webhook"


@pytest.fixture
def investments_item(plaid_client: plaid_api.PlaidApi) -> LinkedItem:
    return link_item(plaid_client, products=("investments",), webhook=WEBHOOK)


def holdings(api: plaid_api.PlaidApi, access_token: str, **options: Any) -> Any:
    request = InvestmentsHoldingsGetRequest(access_token=access_token)
    if options:
        request.options = InvestmentHoldingsGetRequestOptions(**options)
    return api.investments_holdings_get(request)


def transactions(
    api: plaid_api.PlaidApi, access_token: str, start: date, end: date, **options: Any
) -> Any:
    request = InvestmentsTransactionsGetRequest(
        access_token=access_token, start_date=start, end_date=end
    )
    if options:
        request.options = InvestmentsTransactionsGetRequestOptions(**options)
    return api.investments_transactions_get(request)


def raw_post(api: plaid_api.PlaidApi, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A call plaid-python cannot make (a malformed body, Gingham's own endpoints)."""
    configuration = api.api_client.configuration
    response = httpx.post(
        configuration.host + path,
        json={
            "client_id": configuration.api_key["clientId"],
            "secret": configuration.api_key["secret"],
            **body,
        },
    )
    answer: dict[str, Any] = response.json()
    return answer


class TestHoldingsGet:
    def test_holdings_add_up_to_each_investment_account(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        response = holdings(plaid_client, investments_item.access_token)

        # plaid-python cannot read an InvestmentAccount's balances as an attribute (its composed
        # model holds two differing copies), so apps read the answer as a dict, as Plaid's
        # quickstart does.
        accounts = response.to_dict()["accounts"]
        investment = [a for a in accounts if a["type"] == "investment"]
        assert [(a["mask"], a["balances"]["current"]) for a in investment] == [
            ("5555", 320.76),
            ("6666", 23631.9805),
        ]
        securities = {s.security_id: s for s in response.securities}
        for account in investment:
            held = [h for h in response.holdings if h.account_id == account["account_id"]]
            assert sum(h.institution_value for h in held) == pytest.approx(
                account["balances"]["current"], abs=1e-6
            )
            for holding in held:
                assert holding.security_id in securities
                assert holding.institution_value == pytest.approx(
                    holding.quantity * holding.institution_price, abs=0.01
                )
        assert {h.account_id for h in response.holdings} <= {a["account_id"] for a in accounts}
        # The 401k's holdings are partly unvested; cash is a cash-equivalent security.
        plan = [h for h in response.holdings if h.account_id == investment[1]["account_id"]]
        assert all(h.vested_quantity <= h.quantity for h in plan)
        assert any(securities[h.security_id].is_cash_equivalent for h in plan)
        assert response.item.item_id == investments_item.item_id

    def test_securities_carry_identifiers_and_prices(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        response = holdings(plaid_client, investments_item.access_token)
        for security in response.securities:
            assert security.close_price > 0
            assert security.iso_currency_code == "USD"
            if security.cusip is not None:
                assert len(security.cusip) == 9
                assert security.isin == "US" + security.cusip + security.isin[-1]

    def test_account_ids_option(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        every = holdings(plaid_client, investments_item.access_token)
        ira = next(a for a in every.accounts if a.mask == "5555")
        response = holdings(
            plaid_client, investments_item.access_token, account_ids=[ira.account_id]
        )
        assert [a.account_id for a in response.accounts] == [ira.account_id]
        assert {h.account_id for h in response.holdings} == {ira.account_id}

    def test_first_call_bills_investments(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        holdings(plaid_client, linked_item.access_token)
        item = plaid_client.item_get(ItemGetRequest(access_token=linked_item.access_token)).item
        assert "investments" in [p.value for p in item.billed_products]

    def test_unknown_account_id(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        with pytest.raises(plaid.ApiException) as raised:
            holdings(plaid_client, investments_item.access_token, account_ids=["nope"])
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )

    def test_item_in_error(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=investments_item.access_token)
        )
        with pytest.raises(plaid.ApiException) as raised:
            holdings(plaid_client, investments_item.access_token)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
        )

    def test_item_without_investment_accounts(self, plaid_client: plaid_api.PlaidApi) -> None:
        custom = {"override_accounts": [{"type": "depository", "subtype": "checking"}]}
        linked = link_item(plaid_client, username="user_custom", password=json.dumps(custom))
        with pytest.raises(plaid.ApiException) as raised:
            holdings(plaid_client, linked.access_token)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="NO_INVESTMENT_ACCOUNTS"
        )

    def test_data_transparency_item_without_consent(self, plaid_client: plaid_api.PlaidApi) -> None:
        raw_post(
            plaid_client,
            "/_gingham/link_customizations/save",
            {"name": "dtm", "data_transparency_messaging": {"enabled": True}},
        )
        link_token = raw_post(
            plaid_client,
            "/link/token/create",
            link_token_request(products=["transactions"], link_customization_name="dtm"),
        )["link_token"]
        done = raw_post(
            plaid_client,
            "/_gingham/link/complete",
            {"link_token": link_token, "institution_id": "ins_109508"},
        )
        access_token = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=done["public_token"])
        ).access_token
        with pytest.raises(plaid.ApiException) as raised:
            holdings(plaid_client, access_token)
        assert_plaid_error(
            raised.value,
            status=400,
            error_type="ITEM_ERROR",
            error_code="ADDITIONAL_CONSENT_REQUIRED",
        )


class TestTransactionsGet:
    def test_two_years_of_history_paged(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        today = datetime.now(UTC).date()
        start = today - timedelta(days=800)
        first = transactions(plaid_client, investments_item.access_token, start, today)
        assert len(first.investment_transactions) == 100
        total = first.total_investment_transactions
        assert total > 100
        seen = list(first.investment_transactions)
        while len(seen) < total:
            page = transactions(
                plaid_client,
                investments_item.access_token,
                start,
                today,
                count=500,
                offset=len(seen),
            )
            seen += page.investment_transactions
        assert len({t.investment_transaction_id for t in seen}) == total
        dates = [t.date for t in seen]
        assert dates == sorted(dates, reverse=True)
        kinds = {(t.type.value, t.subtype.value) for t in seen}
        assert {("buy", "buy"), ("cash", "dividend"), ("transfer", "transfer")} <= kinds
        assert ("cash", "contribution") in kinds
        assert any(t.type.value == "fee" for t in seen)
        assert any(t.type.value == "sell" for t in seen)

    def test_securities_of_the_page(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        today = datetime.now(UTC).date()
        page = transactions(
            plaid_client, investments_item.access_token, today - timedelta(days=365), today
        )
        ids = {s.security_id for s in page.securities}
        assert {t.security_id for t in page.investment_transactions} - {None} == ids

    def test_end_before_start(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        today = datetime.now(UTC).date()
        with pytest.raises(plaid.ApiException) as raised:
            transactions(
                plaid_client, investments_item.access_token, today, today - timedelta(days=1)
            )
        body = assert_plaid_error(
            raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )
        assert "end_date" in body["error_message"]

    @pytest.mark.parametrize("count", [0, 501])
    def test_count_out_of_range(self, plaid_client: plaid_api.PlaidApi, count: int) -> None:
        linked = link_item(plaid_client, products=("investments",))
        answer = raw_post(
            plaid_client,
            "/investments/transactions/get",
            {
                "access_token": linked.access_token,
                "start_date": "2026-01-01",
                "end_date": "2026-02-01",
                "options": {"count": count},
            },
        )
        assert (answer["error_type"], answer["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "options.count" in answer["error_message"]

    def test_bad_date(self, plaid_client: plaid_api.PlaidApi) -> None:
        linked = link_item(plaid_client, products=("investments",))
        answer = raw_post(
            plaid_client,
            "/investments/transactions/get",
            {
                "access_token": linked.access_token,
                "start_date": "2026-02-30",
                "end_date": "2026-03-01",
            },
        )
        assert (answer["error_type"], answer["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "start_date" in answer["error_message"]

    def test_unknown_account_id(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        today = datetime.now(UTC).date()
        with pytest.raises(plaid.ApiException) as raised:
            transactions(
                plaid_client, investments_item.access_token, today, today, account_ids=["nope"]
            )
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )

    def test_item_in_error(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=investments_item.access_token)
        )
        today = datetime.now(UTC).date()
        with pytest.raises(plaid.ApiException) as raised:
            transactions(plaid_client, investments_item.access_token, today, today)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
        )


class TestRefresh:
    def test_refresh_answers_a_request_id(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        response = plaid_client.investments_refresh(
            InvestmentsRefreshRequest(access_token=investments_item.access_token)
        )
        assert response.request_id

    def test_item_in_error(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem
    ) -> None:
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=investments_item.access_token)
        )
        with pytest.raises(plaid.ApiException) as raised:
            plaid_client.investments_refresh(
                InvestmentsRefreshRequest(access_token=investments_item.access_token)
            )
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
        )


class TestFireWebhook:
    @pytest.mark.parametrize("webhook_type", ["HOLDINGS", "INVESTMENTS_TRANSACTIONS"])
    def test_investments_default_update(
        self, plaid_client: plaid_api.PlaidApi, investments_item: LinkedItem, webhook_type: str
    ) -> None:
        response = plaid_client.sandbox_item_fire_webhook(
            SandboxItemFireWebhookRequest(
                access_token=investments_item.access_token,
                webhook_code="DEFAULT_UPDATE",
                webhook_type=WebhookType(webhook_type),
            )
        )
        assert response.webhook_fired is True
