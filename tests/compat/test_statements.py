"""/statements/list, /statements/download and /statements/refresh through plaid-python against a
live server, starting with the sequence of Plaid's quickstart."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_statements import LinkTokenCreateRequestStatements
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.statements_download_request import StatementsDownloadRequest
from plaid.model.statements_list_request import StatementsListRequest
from plaid.model.statements_list_response import StatementsListResponse
from plaid.model.statements_refresh_request import StatementsRefreshRequest

from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item
from tests.live_server import LiveGingham


def link_with_statements(
    api: plaid_api.PlaidApi, server: LiveGingham, start: date, end: date
) -> LinkedItem:
    """Link an Item as the quickstart does, with Link completed headlessly."""
    link_token = api.link_token_create(
        LinkTokenCreateRequest(
            client_name="Plaid Quickstart",
            language="en",
            country_codes=[CountryCode("US")],
            user=LinkTokenCreateRequestUser(client_user_id="statements-user"),
            products=[Products("statements")],
            statements=LinkTokenCreateRequestStatements(start_date=start, end_date=end),
        )
    ).link_token
    credentials = {"PLAID-CLIENT-ID": server.client_id, "PLAID-SECRET": server.secret}
    with httpx.Client(base_url=server.base_url, headers=credentials) as http:
        done = http.post("/_gingham/link/complete", json={"link_token": link_token}).json()
    assert done["status"] == "SUCCESS", done
    exchanged = api.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=done["public_token"])
    )
    return LinkedItem(exchanged.access_token, exchanged.item_id)


def statements_list(api: plaid_api.PlaidApi, access_token: str) -> StatementsListResponse:
    return api.statements_list(StatementsListRequest(access_token=access_token))


class TestQuickstart:
    def test_list_then_download_the_first_statement(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        today = date.today()
        item = link_with_statements(plaid_client, live_gingham, today - timedelta(days=30), today)
        listed = statements_list(plaid_client, item.access_token)
        assert listed.item_id == item.item_id
        assert listed.institution_name == "First Platypus Bank"
        # The quickstart downloads the first statement of the first account that has one.
        account = next(a for a in listed.accounts if a.statements)
        statement = account.statements[0]
        assert isinstance(statement.date_posted, date)
        assert (statement.year, statement.month) == (
            statement.date_posted.year,
            statement.date_posted.month,
        )
        # plaid-python saves the file to its temporary folder and hands it back open.
        with plaid_client.statements_download(
            StatementsDownloadRequest(
                access_token=item.access_token, statement_id=statement.statement_id
            )
        ) as pdf:
            content = pdf.read()
        Path(pdf.name).unlink()
        assert content.startswith(b"%PDF-")
        assert b"%%EOF" in content[-32:]


class TestRefresh:
    def test_refresh_then_list_the_new_months(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        today = date.today()
        item = link_with_statements(plaid_client, live_gingham, today - timedelta(days=30), today)
        start = date(today.year - 1, today.month, 1)
        response = plaid_client.statements_refresh(
            StatementsRefreshRequest(
                access_token=item.access_token, start_date=start, end_date=start + timedelta(days=5)
            )
        )
        assert response.request_id
        credentials = {
            "PLAID-CLIENT-ID": live_gingham.client_id,
            "PLAID-SECRET": live_gingham.secret,
        }
        # The advance fires every timer the shared server's client has due, which can take a
        # while on a busy machine.
        with httpx.Client(base_url=live_gingham.base_url, headers=credentials, timeout=60) as http:
            advanced = http.post("/_gingham/clock/advance", json={"by": "PT3S"})
            assert advanced.status_code == 200, advanced.text
        listed = statements_list(plaid_client, item.access_token)
        months = {(s.year, s.month) for s in listed.accounts[0].statements}
        assert (start.year, start.month) in months

    def test_a_window_in_the_wrong_order(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        today = date.today()
        item = link_with_statements(plaid_client, live_gingham, today - timedelta(days=30), today)
        with pytest.raises(plaid.ApiException) as raised:
            plaid_client.statements_refresh(
                StatementsRefreshRequest(
                    access_token=item.access_token,
                    start_date=today,
                    end_date=today - timedelta(days=10),
                )
            )
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )


class TestRefusals:
    def test_an_item_without_statements(self, plaid_client: plaid_api.PlaidApi) -> None:
        item = link_item(plaid_client)
        with pytest.raises(plaid.ApiException) as raised:
            statements_list(plaid_client, item.access_token)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="PRODUCTS_NOT_SUPPORTED"
        )

    def test_an_unknown_statement_id(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        today = date.today()
        item = link_with_statements(plaid_client, live_gingham, today - timedelta(days=30), today)
        with pytest.raises(plaid.ApiException) as raised:
            plaid_client.statements_download(
                StatementsDownloadRequest(access_token=item.access_token, statement_id="nope")
            )
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )
