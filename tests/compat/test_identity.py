"""/identity/get and /identity/match through plaid-python against a live server."""

from __future__ import annotations

import json

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.address_data_nullable_no_required_fields import (
    AddressDataNullableNoRequiredFields,
)
from plaid.model.identity_get_request import IdentityGetRequest
from plaid.model.identity_get_request_options import IdentityGetRequestOptions
from plaid.model.identity_match_request import IdentityMatchRequest
from plaid.model.identity_match_request_options import IdentityMatchRequestOptions
from plaid.model.identity_match_user import IdentityMatchUser
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest

from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item
from tests.compat.products_helpers import consented_to_transactions_only, item_at
from tests.live_server import LiveGingham


class TestIdentityGet:
    def test_owners_of_user_goods_accounts(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.identity_get(
            IdentityGetRequest(access_token=linked_item.access_token)
        )

        assert len(response.accounts) == 12
        checking = response.accounts[0]
        [owner] = checking.owners
        assert owner.names == ["Alberta Bobbeth Charleson"]
        assert owner.addresses[0].data.street == "2992 Cameron Road"
        assert owner.addresses[0].primary is True
        assert (owner.emails[0].data, owner.emails[0].type) == (
            "accountholder0@example.com",
            "primary",
        )
        assert [p.type for p in owner.phone_numbers] == ["home", "work", "mobile"]
        assert len(response.accounts[1].owners) == 2  # the joint savings account
        assert [p.value for p in response.item.billed_products] == ["identity", "transactions"]

    def test_generated_owners_abroad_and_account_ids(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        item = item_at(plaid_client, "ins_117181")  # the EU bank
        every = plaid_client.identity_get(IdentityGetRequest(access_token=item.access_token))
        saving = every.accounts[1]

        response = plaid_client.identity_get(
            IdentityGetRequest(
                access_token=item.access_token,
                options=IdentityGetRequestOptions(account_ids=[saving.account_id]),
            )
        )

        [only] = response.accounts
        assert only.account_id == saving.account_id
        assert [o.names for o in only.owners] == [o.names for o in saving.owners]
        assert only.owners[0].addresses[0].data.country in {"FR", "ES", "NL", "DE", "IE", "IT"}
        assert only.owners[0].addresses[0].data.region is None

    def test_user_custom_identity(self, plaid_client: plaid_api.PlaidApi) -> None:
        password = json.dumps(
            {
                "override_accounts": [
                    {
                        "subtype": "checking",
                        "identity": {
                            "names": ["Jane Q Public"],
                            "emails": [
                                {"data": "jane@example.com", "primary": True, "type": "primary"}
                            ],
                        },
                    }
                ]
            }
        )
        item = link_item(plaid_client, username="user_custom", password=password)

        [account] = plaid_client.identity_get(
            IdentityGetRequest(access_token=item.access_token)
        ).accounts

        [owner] = account.owners
        assert (owner.names, owner.phone_numbers, owner.addresses) == (["Jane Q Public"], [], [])


class TestIdentityMatch:
    def test_scores_of_a_close_match(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.identity_match(
            IdentityMatchRequest(
                access_token=linked_item.access_token,
                user=IdentityMatchUser(
                    legal_name="Alberta Charleson",
                    phone_number="+1 (202) 555-0123",
                    email_address="AccountHolder0@example.com",
                    address=AddressDataNullableNoRequiredFields(
                        street="2992 Cameron Rd",
                        city="Malakoff",
                        region="NY",
                        postal_code="14236",
                        country="US",
                    ),
                ),
            )
        )

        checking = response.accounts[0]
        assert checking.legal_name.score == 99
        assert checking.legal_name.is_first_name_or_last_name_match is True
        assert checking.phone_number.score == 100
        assert checking.email_address.score == 100
        assert (checking.address.score, checking.address.is_postal_code_match) == (100, True)
        assert checking.balances.available is None
        assert "identity_match" in [p.value for p in response.item.billed_products]

    def test_only_the_fields_sent_are_scored(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        every = plaid_client.identity_get(
            IdentityGetRequest(access_token=linked_item.access_token)
        ).accounts
        response = plaid_client.identity_match(
            IdentityMatchRequest(
                access_token=linked_item.access_token,
                user=IdentityMatchUser(email_address="someone.else@example.org"),
                options=IdentityMatchRequestOptions(account_ids=[every[0].account_id]),
            )
        )
        [account] = response.accounts
        assert account.email_address.score < 70
        assert account.legal_name.score is None and account.address.score is None


class TestIdentityErrors:
    @pytest.mark.parametrize("endpoint", ["identity_get", "identity_match"])
    def test_item_in_an_error_state(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem, endpoint: str
    ) -> None:
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=linked_item.access_token)
        )
        request = (IdentityGetRequest if endpoint == "identity_get" else IdentityMatchRequest)(
            access_token=linked_item.access_token
        )
        with pytest.raises(plaid.ApiException) as caught:
            getattr(plaid_client, endpoint)(request)
        assert_plaid_error(
            caught.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
        )

    def test_unknown_account_ids(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.identity_get(
                IdentityGetRequest(
                    access_token=linked_item.access_token,
                    options=IdentityGetRequestOptions(account_ids=["nope"]),
                )
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )

    def test_wrong_types(self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.identity_match(
                IdentityMatchRequest(
                    access_token=linked_item.access_token,
                    user=IdentityMatchUser(legal_name=["not", "a", "name"], _check_type=False),
                    _check_type=False,
                )
            )
        body = assert_plaid_error(
            caught.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )
        assert "user.legal_name" in body["error_message"]

    @pytest.mark.parametrize("endpoint", ["identity_get", "identity_match"])
    def test_without_the_users_consent(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham, endpoint: str
    ) -> None:
        item = consented_to_transactions_only(plaid_client, live_gingham)
        request = (IdentityGetRequest if endpoint == "identity_get" else IdentityMatchRequest)(
            access_token=item.access_token
        )
        with pytest.raises(plaid.ApiException) as caught:
            getattr(plaid_client, endpoint)(request)
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="ITEM_ERROR",
            error_code="ADDITIONAL_CONSENT_REQUIRED",
        )
