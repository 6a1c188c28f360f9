"""/auth/get through plaid-python against a live server."""

from __future__ import annotations

import json

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.auth_get_request import AuthGetRequest
from plaid.model.auth_get_request_options import AuthGetRequestOptions
from plaid.model.item_get_request import ItemGetRequest

from gingham.sandbox_data.bank_numbers import is_valid_iban
from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item
from tests.compat.products_helpers import item_at


class TestAuthGet:
    def test_numbers_of_the_default_accounts(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.auth_get(AuthGetRequest(access_token=linked_item.access_token))

        assert [(a.name, a.mask, a.subtype.value) for a in response.accounts] == [
            ("Plaid Checking", "0000", "checking"),
            ("Plaid Saving", "1111", "savings"),
            ("Plaid Cash Management", "9002", "cash management"),
        ]
        ach = response.numbers.ach
        assert [n.account_id for n in ach] == [a.account_id for a in response.accounts]
        assert [(n.account, n.routing, n.wire_routing) for n in ach] == [
            ("1111222233330000", "011401533", "021000021"),
            ("1111222233331111", "011401533", "021000021"),
            ("1111222233339002", "011401533", "021000021"),
        ]
        assert not any(n.is_tokenized_account_number for n in ach)
        assert (response.numbers.eft, response.numbers.international, response.numbers.bacs) == (
            [],
            [],
            [],
        )
        assert response.item.item_id == linked_item.item_id
        assert [p.value for p in response.item.billed_products] == ["auth", "transactions"]
        assert response.request_id

    def test_auth_is_billed_from_the_first_call(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        plaid_client.auth_get(AuthGetRequest(access_token=linked_item.access_token))
        item = plaid_client.item_get(ItemGetRequest(access_token=linked_item.access_token)).item
        assert [p.value for p in item.billed_products] == ["auth", "transactions"]

    def test_account_ids_option_filters(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        every = plaid_client.accounts_get(
            AccountsGetRequest(access_token=linked_item.access_token)
        ).accounts
        saving, credit_card = every[1], every[3]

        response = plaid_client.auth_get(
            AuthGetRequest(
                access_token=linked_item.access_token,
                options=AuthGetRequestOptions(
                    account_ids=[credit_card.account_id, saving.account_id]
                ),
            )
        )

        assert [a.account_id for a in response.accounts] == [saving.account_id]
        assert [n.account for n in response.numbers.ach] == ["1111222233331111"]

    def test_user_custom_numbers(self, plaid_client: plaid_api.PlaidApi) -> None:
        password = json.dumps(
            {
                "override_accounts": [
                    {
                        "subtype": "checking",
                        "numbers": {"account": "9900009606", "ach_routing": "021000021"},
                    }
                ]
            }
        )
        item = link_item(plaid_client, username="user_custom", password=password)

        response = plaid_client.auth_get(AuthGetRequest(access_token=item.access_token))

        [numbers] = response.numbers.ach
        assert (numbers.account, numbers.routing, numbers.wire_routing) == (
            "9900009606",
            "021000021",
            None,
        )
        assert response.accounts[0].mask == "9606"

    def test_item_without_auth_accounts_is_no_auth_accounts(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        password = json.dumps({"override_accounts": [{"type": "credit"}]})
        item = link_item(plaid_client, username="user_custom", password=password)

        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.auth_get(AuthGetRequest(access_token=item.access_token))

        assert_plaid_error(
            caught.value, status=400, error_type="ITEM_ERROR", error_code="NO_AUTH_ACCOUNTS"
        )


class TestAuthAbroad:
    def test_uk_accounts_have_bacs_numbers(self, plaid_client: plaid_api.PlaidApi) -> None:
        item = item_at(plaid_client, "ins_117650")  # Royal Bank of Plaid

        response = plaid_client.auth_get(AuthGetRequest(access_token=item.access_token))

        bacs = response.numbers.bacs
        assert [n.account_id for n in bacs] == [a.account_id for a in response.accounts]
        assert [n.account[-4:] for n in bacs] == ["0000", "1111", "9002"]
        assert all(len(n.sort_code) == 6 and n.sort_code.isdigit() for n in bacs)
        assert all(is_valid_iban(n.iban) for n in response.numbers.international)
        assert response.numbers.ach == []

    def test_eu_accounts_have_ibans_and_bics(self, plaid_client: plaid_api.PlaidApi) -> None:
        item = item_at(plaid_client, "ins_117181")  # Flexible Platypus Open Banking

        response = plaid_client.auth_get(AuthGetRequest(access_token=item.access_token))

        international = response.numbers.international
        assert len(international) == 3
        assert all(is_valid_iban(n.iban) and len(n.bic) == 8 for n in international)
        assert (response.numbers.ach, response.numbers.bacs) == ([], [])

    def test_user_custom_international_and_bacs_numbers(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        password = json.dumps(
            {
                "override_accounts": [
                    {
                        "subtype": "checking",
                        "numbers": {
                            "account": "31926819",
                            "bacs_sort_code": "601613",
                            "international_iban": "GB29NWBK60161331926819",
                            "international_bic": "NWBKGB2L",
                        },
                    }
                ]
            }
        )
        item = item_at(plaid_client, "ins_117650", username="user_custom", password=password)

        numbers = plaid_client.auth_get(AuthGetRequest(access_token=item.access_token)).numbers

        assert [(n.account, n.sort_code) for n in numbers.bacs] == [("31926819", "601613")]
        assert [(n.iban, n.bic) for n in numbers.international] == [
            ("GB29NWBK60161331926819", "NWBKGB2L")
        ]
