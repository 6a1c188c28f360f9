"""/link/token/create and /link/token/get through plaid-python against a live server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.credit_account_subtype import CreditAccountSubtype
from plaid.model.credit_account_subtypes import CreditAccountSubtypes
from plaid.model.credit_filter import CreditFilter
from plaid.model.depository_account_subtype import DepositoryAccountSubtype
from plaid.model.depository_account_subtypes import DepositoryAccountSubtypes
from plaid.model.depository_filter import DepositoryFilter
from plaid.model.link_token_account_filters import LinkTokenAccountFilters
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.link_token_get_request import LinkTokenGetRequest
from plaid.model.products import Products

from tests.compat.conftest import LinkedItem, assert_plaid_error
from tests.live_server import LiveGingham

WEBHOOK = "https://app.example.com/plaid/webhook"
REDIRECT_URI = "https://app.example.com/oauth-return"
# The server stamps times to the second; allow that and a little clock skew between processes.
SLACK = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def redirect_uri_allowed(live_gingham: LiveGingham) -> None:
    """REDIRECT_URI on the client's allow-list, as an app registers it before using it: through
    Gingham's management API (plaid-python has no call for it; Plaid's is the dashboard)."""
    response = httpx.post(
        f"{live_gingham.base_url}/_gingham/client/redirect_uris/add",
        json={"redirect_uri": REDIRECT_URI},
        headers={"PLAID-CLIENT-ID": live_gingham.client_id, "PLAID-SECRET": live_gingham.secret},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert REDIRECT_URI in response.json()["redirect_uris"]


def new_item_request(**overrides: Any) -> LinkTokenCreateRequest:
    fields: dict[str, Any] = {
        "client_name": "Compat App",
        "language": "en",
        "country_codes": [CountryCode("US")],
        "user": LinkTokenCreateRequestUser(
            client_user_id="compat-user-1",
            legal_name="Ada Lovelace",
            email_address="ada@example.com",
            phone_number="+14155550123",
        ),
        "products": [Products("transactions")],
        "optional_products": [Products("identity")],
        "webhook": WEBHOOK,
        "redirect_uri": REDIRECT_URI,
        "account_filters": LinkTokenAccountFilters(
            depository=DepositoryFilter(
                account_subtypes=DepositoryAccountSubtypes(
                    [DepositoryAccountSubtype("checking"), DepositoryAccountSubtype("savings")]
                )
            ),
            credit=CreditFilter(
                account_subtypes=CreditAccountSubtypes([CreditAccountSubtype("credit card")])
            ),
        ),
    }
    fields.update(overrides)
    return LinkTokenCreateRequest(**fields)


def update_mode_request(access_token: str) -> LinkTokenCreateRequest:
    return LinkTokenCreateRequest(
        client_name="Compat App",
        language="en",
        country_codes=[CountryCode("US")],
        user=LinkTokenCreateRequestUser(client_user_id="compat-user-1"),
        access_token=access_token,
    )


def assert_expires_in(
    expiration: datetime, lifetime: timedelta, before: datetime, after: datetime
) -> None:
    assert expiration.tzinfo is not None
    assert before + lifetime - SLACK <= expiration <= after + lifetime + SLACK, expiration


class TestLinkTokenCreate:
    def test_new_item_token_lasts_four_hours(self, plaid_client: plaid_api.PlaidApi) -> None:
        before = datetime.now(UTC)
        response = plaid_client.link_token_create(new_item_request())
        after = datetime.now(UTC)

        assert response.link_token.startswith("link-sandbox-")
        assert response.request_id
        assert_expires_in(response.expiration, timedelta(hours=4), before, after)

    def test_update_mode_token_lasts_thirty_minutes(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        before = datetime.now(UTC)
        response = plaid_client.link_token_create(update_mode_request(linked_item.access_token))
        after = datetime.now(UTC)

        assert response.link_token.startswith("link-sandbox-")
        assert_expires_in(response.expiration, timedelta(minutes=30), before, after)

    def test_tokens_are_distinct(self, plaid_client: plaid_api.PlaidApi) -> None:
        tokens = {plaid_client.link_token_create(new_item_request()).link_token for _ in range(3)}
        assert len(tokens) == 3

    def test_unsupported_language_is_invalid_field(self, plaid_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.link_token_create(new_item_request(language="xx"))
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )

    def test_update_mode_with_unknown_access_token_is_invalid_access_token(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        request = update_mode_request("access-sandbox-00000000-0000-4000-8000-000000000000")
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.link_token_create(request)
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCESS_TOKEN"
        )


class TestLinkTokenGet:
    def test_returns_the_configuration_and_no_sessions(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        created = plaid_client.link_token_create(new_item_request())

        response = plaid_client.link_token_get(LinkTokenGetRequest(link_token=created.link_token))

        assert response.link_token == created.link_token
        assert response.expiration == created.expiration
        assert response.created_at is not None
        assert response.created_at < response.expiration
        assert response.request_id
        metadata = response.metadata
        assert metadata.client_name == "Compat App"
        assert [code.value for code in metadata.country_codes] == ["US"]
        assert [product.value for product in metadata.initial_products] == ["transactions"]
        assert metadata.webhook == WEBHOOK
        assert metadata.language == "en"
        assert metadata.redirect_uri == REDIRECT_URI
        filters = metadata.account_filters
        assert [s.value for s in filters.depository.account_subtypes.value] == [
            "checking",
            "savings",
        ]
        assert [s.value for s in filters.credit.account_subtypes.value] == ["credit card"]
        assert response.link_sessions == []

    def test_unknown_link_token_is_invalid_link_token(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.link_token_get(
                LinkTokenGetRequest(link_token="link-sandbox-00000000-0000-4000-8000-000000000000")
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_LINK_TOKEN"
        )
