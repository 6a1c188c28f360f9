"""The Item lifecycle through plaid-python against a live server: sandbox public token, exchange,
/item/get, webhook update, access token rotation and removal."""

from __future__ import annotations

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.item_access_token_invalidate_request import ItemAccessTokenInvalidateRequest
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.item_public_token_create_request import ItemPublicTokenCreateRequest
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.item_remove_request import ItemRemoveRequest
from plaid.model.item_webhook_update_request import ItemWebhookUpdateRequest

from tests.compat.conftest import (
    SANDBOX_INSTITUTION,
    LinkedItem,
    assert_plaid_error,
    sandbox_public_token,
)

WEBHOOK = "https://app.example.com/plaid/webhook"


def expect_invalid_access_token(api: plaid_api.PlaidApi, access_token: str) -> None:
    with pytest.raises(plaid.ApiException) as caught:
        api.item_get(ItemGetRequest(access_token=access_token))
    assert_plaid_error(
        caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCESS_TOKEN"
    )


class TestPublicTokenForAnExistingItem:
    def test_create_then_exchange_gives_the_same_item(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        created = plaid_client.item_create_public_token(
            ItemPublicTokenCreateRequest(access_token=linked_item.access_token)
        )
        assert created.public_token.startswith("public-sandbox-")
        assert created.expiration is not None and created.request_id

        exchanged = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=created.public_token)
        )
        assert exchanged.item_id == linked_item.item_id
        # The exchange adds an access token for the Item; the one the app holds keeps working.
        for access_token in (linked_item.access_token, exchanged.access_token):
            item = plaid_client.item_get(ItemGetRequest(access_token=access_token)).item
            assert item.item_id == linked_item.item_id

    def test_unknown_access_token_is_refused(self, plaid_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.item_create_public_token(
                ItemPublicTokenCreateRequest(
                    access_token="access-sandbox-00000000-0000-4000-8000-000000000000"
                )
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCESS_TOKEN"
        )


class TestPublicTokens:
    def test_sandbox_public_token_shape(self, plaid_client: plaid_api.PlaidApi) -> None:
        token = sandbox_public_token(plaid_client, webhook=WEBHOOK)
        assert token.startswith("public-sandbox-")
        assert len(token) == len("public-sandbox-") + 36

    def test_exchange_gives_an_access_token_and_item_id(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        public_token = sandbox_public_token(plaid_client)

        response = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=public_token)
        )

        assert response.access_token.startswith("access-sandbox-")
        assert len(response.item_id) == 37
        assert response.request_id

    def test_second_exchange_is_invalid_public_token(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        public_token = sandbox_public_token(plaid_client)
        plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=public_token)
        )

        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.item_public_token_exchange(
                ItemPublicTokenExchangeRequest(public_token=public_token)
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_PUBLIC_TOKEN"
        )


class TestItemLifecycle:
    def test_exchange_then_get_item(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.item_get(ItemGetRequest(access_token=linked_item.access_token))

        item = response.item
        assert item.item_id == linked_item.item_id
        assert item.institution_id == SANDBOX_INSTITUTION
        assert item.institution_name == "First Platypus Bank"
        assert item.webhook == WEBHOOK
        assert [product.value for product in item.billed_products] == ["transactions"]
        assert "transactions" not in [product.value for product in item.available_products]
        assert item.consent_expiration_time is None
        assert item.error is None
        assert item.update_type == "background"
        assert item.created_at is not None and item.created_at.tzinfo is not None
        assert response.status is not None
        assert response.status.get("transactions") is None
        assert response.request_id

    def test_items_are_distinct(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        other = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=sandbox_public_token(plaid_client))
        )
        assert other.item_id != linked_item.item_id
        assert other.access_token != linked_item.access_token

    def test_webhook_update_changes_the_item(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        new_webhook = "https://hooks.example.org/plaid?tenant=42"

        response = plaid_client.item_webhook_update(
            ItemWebhookUpdateRequest(access_token=linked_item.access_token, webhook=new_webhook)
        )

        assert response.item.item_id == linked_item.item_id
        assert response.item.webhook == new_webhook
        fetched = plaid_client.item_get(ItemGetRequest(access_token=linked_item.access_token))
        assert fetched.item.webhook == new_webhook

    def test_invalidate_rotates_the_access_token(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.item_access_token_invalidate(
            ItemAccessTokenInvalidateRequest(access_token=linked_item.access_token)
        )

        new_token = response.new_access_token
        assert new_token.startswith("access-sandbox-")
        assert new_token != linked_item.access_token
        assert (
            plaid_client.item_get(ItemGetRequest(access_token=new_token)).item.item_id
            == linked_item.item_id
        )
        expect_invalid_access_token(plaid_client, linked_item.access_token)

    def test_remove_kills_the_access_token(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        response = plaid_client.item_remove(
            ItemRemoveRequest(access_token=linked_item.access_token)
        )

        assert response.request_id
        expect_invalid_access_token(plaid_client, linked_item.access_token)
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.accounts_get(AccountsGetRequest(access_token=linked_item.access_token))
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCESS_TOKEN"
        )
