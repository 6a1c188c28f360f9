"""Bank Income through plaid-python against a live server: the user-token flow from
/user/create to the report, its PDF, a refresh, and the errors an app meets."""

from __future__ import annotations

import os
import time
import uuid
from datetime import date
from typing import Any

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.credit_bank_income_get_request import CreditBankIncomeGetRequest
from plaid.model.credit_bank_income_get_request_options import CreditBankIncomeGetRequestOptions
from plaid.model.credit_bank_income_pdf_get_request import CreditBankIncomePDFGetRequest
from plaid.model.credit_bank_income_refresh_request import CreditBankIncomeRefreshRequest
from plaid.model.credit_bank_income_refresh_request_options import (
    CreditBankIncomeRefreshRequestOptions,
)
from plaid.model.credit_bank_income_webhook_update_request import (
    CreditBankIncomeWebhookUpdateRequest,
)
from plaid.model.credit_sessions_get_request import CreditSessionsGetRequest
from plaid.model.income_verification_source_type import IncomeVerificationSourceType
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_income_verification import (
    LinkTokenCreateRequestIncomeVerification,
)
from plaid.model.link_token_create_request_income_verification_bank_income import (
    LinkTokenCreateRequestIncomeVerificationBankIncome,
)
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.user_create_request import UserCreateRequest

from tests.compat.conftest import assert_plaid_error
from tests.compat.test_users import complete
from tests.live_server import LiveGingham

WEBHOOK = "https://app.example.com/plaid/income"


def new_user(api: plaid_api.PlaidApi) -> Any:
    return api.user_create(UserCreateRequest(client_user_id=f"income-{uuid.uuid4().hex[:12]}"))


def link_for_income(
    api: plaid_api.PlaidApi, server: LiveGingham, user_token: str, days: int = 90
) -> str:
    """Link an Item for bank income (headless Link); its item_id."""
    link_token = api.link_token_create(
        LinkTokenCreateRequest(
            client_name="Income App",
            language="en",
            country_codes=[CountryCode("US")],
            user=LinkTokenCreateRequestUser(client_user_id="income-app-user"),
            user_token=user_token,
            products=[Products("income_verification")],
            income_verification=LinkTokenCreateRequestIncomeVerification(
                income_source_types=[IncomeVerificationSourceType("bank")],
                bank_income=LinkTokenCreateRequestIncomeVerificationBankIncome(days_requested=days),
            ),
            webhook=WEBHOOK,
        )
    ).link_token
    done = complete(server, link_token)
    assert done["status"] == "SUCCESS", done
    exchanged = api.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=done["public_token"])
    )
    item_id: str = exchanged.item_id
    return item_id


def reports(api: plaid_api.PlaidApi, user_token: str, count: int = 1) -> list[Any]:
    response = api.credit_bank_income_get(
        CreditBankIncomeGetRequest(
            user_token=user_token, options=CreditBankIncomeGetRequestOptions(count=count)
        )
    )
    found: list[Any] = response.bank_income
    return found


class TestBankIncome:
    def test_the_user_token_flow_to_the_report_and_its_pdf(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        user = new_user(plaid_client)
        item_id = link_for_income(plaid_client, live_gingham, user.user_token, days=120)

        [report] = reports(plaid_client, user.user_token)
        assert report.days_requested == 120
        [item] = report.items
        assert (item.item_id, item.institution_name) == (item_id, "First Platypus Bank")
        masks = {account.mask: account for account in item.bank_income_accounts}
        assert str(masks["0000"].subtype) == "checking"
        assert masks["0000"].owners[0].names == ["Alberta Bobbeth Charleson"]
        salary = next(s for s in item.bank_income_sources if str(s.income_category) == "SALARY")
        assert str(salary.pay_frequency) == "BIWEEKLY"
        assert isinstance(salary.start_date, date) and salary.start_date <= salary.end_date
        deposits = [t for month in salary.historical_summary for t in month.transactions]
        assert salary.transaction_count == len(deposits) > 0
        assert salary.total_amount == pytest.approx(sum(t.amount for t in deposits))
        summary = report.bank_income_summary
        assert summary.income_sources_count == len(item.bank_income_sources)
        assert report.warnings == []

        # plaid-python hands a file back as an open temporary file.
        with plaid_client.credit_bank_income_pdf_get(
            CreditBankIncomePDFGetRequest(user_token=user.user_token)
        ) as pdf:
            assert pdf.read().startswith(b"%PDF-")
        os.remove(pdf.name)

        [session] = plaid_client.credit_sessions_get(
            CreditSessionsGetRequest(user_token=user.user_token)
        ).sessions
        [result] = session.results.bank_income_results
        assert (str(result.status), result.item_id) == ("APPROVED", item_id)

    def test_a_refresh_adds_a_newer_report(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        user = new_user(plaid_client)
        link_for_income(plaid_client, live_gingham, user.user_token, days=60)
        plaid_client.credit_bank_income_webhook_update(
            CreditBankIncomeWebhookUpdateRequest(user_token=user.user_token, enable_webhooks=True)
        )
        plaid_client.credit_bank_income_refresh(
            CreditBankIncomeRefreshRequest(
                user_token=user.user_token,
                options=CreditBankIncomeRefreshRequestOptions(days_requested=30),
            )
        )
        # The report builds on the server's clock (3 seconds by default).
        deadline = time.monotonic() + 30
        while len(found := reports(plaid_client, user.user_token, count=5)) < 2:
            assert time.monotonic() < deadline, "the refresh never finished"
            time.sleep(0.3)
        assert [r.days_requested for r in found] == [30, 60]

    def test_errors(self, plaid_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            reports(plaid_client, f"user-sandbox-{uuid.uuid4()}")
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_USER_TOKEN"
        )
        user = new_user(plaid_client)
        with pytest.raises(plaid.ApiException) as caught:
            reports(plaid_client, user.user_token)
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="INCOME_VERIFICATION_ERROR",
            error_code="INCOME_VERIFICATION_NOT_FOUND",
        )
