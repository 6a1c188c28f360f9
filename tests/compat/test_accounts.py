"""/accounts/get and /accounts/balance/get through plaid-python against a live server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.account_base import AccountBase
from plaid.model.accounts_balance_get_request import AccountsBalanceGetRequest
from plaid.model.accounts_balance_get_request_options import AccountsBalanceGetRequestOptions
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.accounts_get_request_options import AccountsGetRequestOptions

from tests.builders import USER_GOOD_ACCOUNTS
from tests.compat.conftest import LinkedItem, assert_plaid_error


def summary(accounts: list[AccountBase]) -> list[tuple[str, str, str, str]]:
    return [(a.name, a.mask, a.type.value, a.subtype.value) for a in accounts]


class TestAccountsGet:
    def test_default_accounts(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.accounts_get(
            AccountsGetRequest(access_token=linked_item.access_token)
        )

        assert summary(response.accounts) == USER_GOOD_ACCOUNTS
        assert len({account.account_id for account in response.accounts}) == 12
        checking = response.accounts[0]
        assert checking.official_name == "Plaid Gold Standard 0% Interest Checking"
        assert (checking.balances.available, checking.balances.current) == (100.0, 110.0)
        assert checking.balances.iso_currency_code == "USD"
        assert checking.balances.unofficial_currency_code is None
        credit = response.accounts[3]
        assert (credit.balances.current, credit.balances.limit) == (410.0, 2000.0)
        assert response.item.item_id == linked_item.item_id
        assert response.request_id

    def test_account_ids_option_filters(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        every = plaid_client.accounts_get(
            AccountsGetRequest(access_token=linked_item.access_token)
        ).accounts
        wanted = [every[1].account_id, every[11].account_id]

        response = plaid_client.accounts_get(
            AccountsGetRequest(
                access_token=linked_item.access_token,
                options=AccountsGetRequestOptions(account_ids=wanted),
            )
        )

        assert [account.account_id for account in response.accounts] == wanted
        assert [account.name for account in response.accounts] == [
            "Plaid Saving",
            "Plaid Business Credit Card",
        ]

    def test_unknown_account_id_is_invalid_account_id(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.accounts_get(
                AccountsGetRequest(
                    access_token=linked_item.access_token,
                    options=AccountsGetRequestOptions(
                        account_ids=["NoSuchAccount0000000000000000000000000"]
                    ),
                )
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )


class TestAccountsBalanceGet:
    def test_balances_are_fresh(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        before = datetime.now(UTC)
        response = plaid_client.accounts_balance_get(
            AccountsBalanceGetRequest(access_token=linked_item.access_token)
        )
        after = datetime.now(UTC)

        assert summary(response.accounts) == USER_GOOD_ACCOUNTS
        for account in response.accounts:
            updated = account.balances.last_updated_datetime
            assert updated is not None and updated.tzinfo is not None
            # Stamped to the second by the server, so compare against whole seconds.
            assert before - timedelta(seconds=1) <= updated <= after + timedelta(seconds=1)
            assert account.balances.current is not None
            assert account.balances.iso_currency_code == "USD"
        money_market = response.accounts[4]
        assert (money_market.balances.available, money_market.balances.current) == (
            43200.0,
            43200.0,
        )
        assert response.item.item_id == linked_item.item_id

    def test_account_ids_option_filters(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        every = plaid_client.accounts_get(
            AccountsGetRequest(access_token=linked_item.access_token)
        ).accounts

        response = plaid_client.accounts_balance_get(
            AccountsBalanceGetRequest(
                access_token=linked_item.access_token,
                options=AccountsBalanceGetRequestOptions(account_ids=[every[0].account_id]),
            )
        )

        assert [account.name for account in response.accounts] == ["Plaid Checking"]
        assert response.accounts[0].balances.available == 100.0

    def test_unknown_account_id_is_invalid_account_id(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.accounts_balance_get(
                AccountsBalanceGetRequest(
                    access_token=linked_item.access_token,
                    options=AccountsBalanceGetRequestOptions(account_ids=["NoSuchAccount"]),
                )
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )
