"""A legacy public-key integration against a live server: plaid-python configured without
client_id and secret sends `public_key` in the body of the three endpoints that took one, then
the integration migrates to client credentials and switches the key off.

plaid-python has no method for Gingham's own /_gingham/client/public_key/* endpoints, so those
are called with httpx, as an app's own tooling would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.institutions_get_by_id_request import InstitutionsGetByIdRequest
from plaid.model.institutions_search_request import InstitutionsSearchRequest
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.item_public_token_create_request import ItemPublicTokenCreateRequest
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest

from tests.compat.conftest import SANDBOX_INSTITUTION, assert_plaid_error, close_plaid_api
from tests.live_server import LiveGingham

US = [CountryCode("US")]


def management(live_gingham: LiveGingham, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{live_gingham.base_url}/_gingham/client/public_key/{path}",
        json=body,
        headers={"PLAID-CLIENT-ID": live_gingham.client_id, "PLAID-SECRET": live_gingham.secret},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.fixture
def public_key(live_gingham: LiveGingham) -> Iterator[str]:
    """The live client's key; its sandbox switches are on again afterwards, as the server is
    shared by the whole leg."""
    got = management(live_gingham, "get", {})
    yield got["public_key"]
    management(live_gingham, "set", {"environment": "sandbox", "link": True, "api": True})


@pytest.fixture
def legacy_client(live_gingham: LiveGingham) -> Iterator[plaid_api.PlaidApi]:
    """plaid-python as a pre-2020 app used it on these endpoints: no client_id or secret."""
    api = plaid_api.PlaidApi(plaid.ApiClient(plaid.Configuration(host=live_gingham.base_url)))
    yield api
    close_plaid_api(api)


def search(api: plaid_api.PlaidApi, **credentials: str) -> list[str]:
    response = api.institutions_search(
        InstitutionsSearchRequest(
            query="Platypus",
            products=[Products("transactions")],
            country_codes=US,
            **credentials,
        )
    )
    return [institution.institution_id for institution in response.institutions]


class TestLegacyIntegration:
    def test_the_key_answers_like_the_secret(
        self,
        legacy_client: plaid_api.PlaidApi,
        plaid_client: plaid_api.PlaidApi,
        public_key: str,
    ) -> None:
        assert search(legacy_client, public_key=public_key) == search(plaid_client)
        institution = legacy_client.institutions_get_by_id(
            InstitutionsGetByIdRequest(
                institution_id=SANDBOX_INSTITUTION, country_codes=US, public_key=public_key
            )
        ).institution
        assert institution.name == "First Platypus Bank"

    def test_an_item_made_with_the_key_is_repaired_and_kept_through_public_tokens(
        self,
        legacy_client: plaid_api.PlaidApi,
        plaid_client: plaid_api.PlaidApi,
        public_key: str,
    ) -> None:
        public_token = legacy_client.sandbox_public_token_create(
            SandboxPublicTokenCreateRequest(
                institution_id=SANDBOX_INSTITUTION,
                initial_products=[Products("transactions")],
                public_key=public_key,
            )
        ).public_token
        first = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=public_token)
        )
        again = plaid_client.item_create_public_token(
            ItemPublicTokenCreateRequest(access_token=first.access_token)
        )
        second = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=again.public_token)
        )
        assert second.item_id == first.item_id
        item = plaid_client.item_get(ItemGetRequest(access_token=first.access_token)).item
        assert item.item_id == first.item_id

    def test_switched_off_for_the_api_the_key_is_refused_and_the_secret_works(
        self,
        live_gingham: LiveGingham,
        legacy_client: plaid_api.PlaidApi,
        plaid_client: plaid_api.PlaidApi,
        public_key: str,
    ) -> None:
        switched = management(live_gingham, "set", {"environment": "sandbox", "api": False})
        assert switched["environments"]["sandbox"] == {"link": True, "api": False}

        with pytest.raises(plaid.ApiException) as caught:
            search(legacy_client, public_key=public_key)
        error = assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_API_KEYS"
        )
        assert "client_id and secret" in error["error_message"]
        assert SANDBOX_INSTITUTION in search(plaid_client)

    def test_an_unknown_key_is_refused(self, legacy_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            search(legacy_client, public_key="0" * 30)
        error = assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_API_KEYS"
        )
        assert error["error_message"].startswith("invalid public_key provided")
