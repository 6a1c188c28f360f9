"""Items for the product compatibility tests: at any institution, or with Data Transparency
Messaging (whose user consented to Transactions only), made against the live server."""

from __future__ import annotations

import httpx
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest
from plaid.model.sandbox_public_token_create_request_options import (
    SandboxPublicTokenCreateRequestOptions,
)

from tests.compat.conftest import LinkedItem
from tests.live_server import LiveGingham


def item_at(
    api: plaid_api.PlaidApi,
    institution_id: str,
    *,
    username: str = "user_good",
    password: str = "pass_good",
) -> LinkedItem:
    public_token = api.sandbox_public_token_create(
        SandboxPublicTokenCreateRequest(
            institution_id=institution_id,
            initial_products=[Products("transactions")],
            options=SandboxPublicTokenCreateRequestOptions(
                override_username=username, override_password=password
            ),
        )
    ).public_token
    exchanged = api.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=public_token)
    )
    return LinkedItem(exchanged.access_token, exchanged.item_id)


def consented_to_transactions_only(api: plaid_api.PlaidApi, server: LiveGingham) -> LinkedItem:
    """An Item linked through Link with Data Transparency Messaging for Transactions alone."""
    credentials = {"PLAID-CLIENT-ID": server.client_id, "PLAID-SECRET": server.secret}
    with httpx.Client(base_url=server.base_url, headers=credentials) as http:
        saved = http.post(
            "/_gingham/link_customizations/save",
            json={"name": "dtm", "data_transparency_messaging": {"enabled": True}},
        )
        assert saved.status_code == 200, saved.text
        link_token = api.link_token_create(
            LinkTokenCreateRequest(
                client_name="Compat",
                language="en",
                country_codes=[CountryCode("US")],
                user=LinkTokenCreateRequestUser(client_user_id="dtm-user"),
                products=[Products("transactions")],
                link_customization_name="dtm",
            )
        ).link_token
        done = http.post("/_gingham/link/complete", json={"link_token": link_token}).json()
        assert done["status"] == "SUCCESS", done
    exchanged = api.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=done["public_token"])
    )
    return LinkedItem(exchanged.access_token, exchanged.item_id)
