"""/user/create, /user/items/get and update mode for a user through plaid-python, on a live
server. The server and its client are shared by the whole suite, so every user here is new."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_update import LinkTokenCreateRequestUpdate
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest
from plaid.model.user_create_request import UserCreateRequest
from plaid.model.user_items_get_request import UserItemsGetRequest

from tests.compat.conftest import assert_plaid_error
from tests.live_server import LiveGingham


def new_client_user_id() -> str:
    return f"compat-user-{uuid.uuid4().hex[:12]}"


def link_token(plaid_client: plaid_api.PlaidApi, user_token: str, **fields: Any) -> str:
    request = LinkTokenCreateRequest(
        client_name="Compat App",
        language="en",
        country_codes=[CountryCode("US")],
        user=LinkTokenCreateRequestUser(client_user_id="compat-user"),
        user_token=user_token,
        **fields,
    )
    token: str = plaid_client.link_token_create(request).link_token
    return token


def complete(live_gingham: LiveGingham, token: str) -> dict[str, Any]:
    """A Link session driven to its end without a browser (Gingham's own endpoint)."""
    response = httpx.post(
        f"{live_gingham.base_url}/_gingham/link/complete",
        json={"link_token": token},
        headers={"PLAID-CLIENT-ID": live_gingham.client_id, "PLAID-SECRET": live_gingham.secret},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


class TestUserCreate:
    def test_returns_user_token_and_user_id(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.user_create(UserCreateRequest(client_user_id=new_client_user_id()))
        assert response.user_token.startswith("user-sandbox-")
        assert response.user_id and response.request_id

    def test_a_second_create_for_the_same_client_user_id_fails(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        request = UserCreateRequest(client_user_id=new_client_user_id())
        plaid_client.user_create(request)
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.user_create(request)
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )


class TestUserItemsAndUpdateMode:
    def test_link_repair_and_items_get(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        user = plaid_client.user_create(UserCreateRequest(client_user_id=new_client_user_id()))
        new_item = complete(
            live_gingham,
            link_token(plaid_client, user.user_token, products=[Products("transactions")]),
        )
        exchanged = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=new_item["public_token"])
        )
        plaid_client.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=exchanged.access_token)
        )

        items = plaid_client.user_items_get(UserItemsGetRequest(user_token=user.user_token)).items
        assert [item.item_id for item in items] == [exchanged.item_id]
        assert items[0].error.error_code == "ITEM_LOGIN_REQUIRED"
        assert items[0].institution_id == "ins_109508"

        update = link_token(
            plaid_client, user.user_token, update=LinkTokenCreateRequestUpdate(user=True)
        )
        repaired = complete(live_gingham, update)
        assert repaired["status"] == "SUCCESS", repaired
        items = plaid_client.user_items_get(UserItemsGetRequest(user_token=user.user_token)).items
        assert [(item.item_id, item.error) for item in items] == [(exchanged.item_id, None)]

    def test_an_unknown_user_token_is_refused(self, plaid_client: plaid_api.PlaidApi) -> None:
        unknown = f"user-sandbox-{uuid.uuid4()}"
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.user_items_get(UserItemsGetRequest(user_token=unknown))
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_USER_TOKEN"
        )
        with pytest.raises(plaid.ApiException) as caught:
            link_token(plaid_client, unknown, update=LinkTokenCreateRequestUpdate(user=True))
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_USER_TOKEN"
        )
