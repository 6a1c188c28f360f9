"""Compatibility wiring: a real `gingham serve` process per backend, driven by plaid-python.

Nothing here runs Gingham in-process. Each backend leg provisions an empty database, creates an API
client with `gingham client create --json`, starts `gingham serve` on a free port and waits for its
health check; the tests then talk to it over HTTP exactly as an application using Plaid's official
Python client would, with only the host changed.

The PostgreSQL leg serves from two API processes sharing the database (`gingham serve --workers
2`), as a scaled-out deployment does, and plaid-python closes its connection after each request
there: each request lands on either process, so a link token made by one is used at the other,
an Item linked by one is read by the other, and so on through the whole suite.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest
from plaid.model.sandbox_public_token_create_request_options import (
    SandboxPublicTokenCreateRequestOptions,
)

from tests.live_server import (
    BACKENDS,
    LiveGingham,
    live_gingham_on,
)

SANDBOX_INSTITUTION = "ins_109508"  # First Platypus Bank


class LinkedItem(NamedTuple):
    access_token: str
    item_id: str


# --- Running the `gingham` command ------------------------------------------------------------


# --- plaid-python -----------------------------------------------------------------------------


def plaid_api_for(base_url: str, client_id: str, secret: str) -> plaid_api.PlaidApi:
    """Plaid's official client, pointed at `base_url` instead of sandbox.plaid.com."""
    configuration = plaid.Configuration(
        host=base_url, api_key={"clientId": client_id, "secret": secret}
    )
    return plaid_api.PlaidApi(plaid.ApiClient(configuration))


def close_plaid_api(api: plaid_api.PlaidApi) -> None:
    api.api_client.close()
    api.api_client.rest_client.pool_manager.clear()


def plaid_error(exc: plaid.ApiException) -> dict[str, Any]:
    """The Plaid error body of a failed call; every one must carry a request_id."""
    body: dict[str, Any] = json.loads(exc.body)
    assert isinstance(body.get("request_id"), str) and body["request_id"], body
    return body


def assert_plaid_error(
    exc: plaid.ApiException, *, status: int, error_type: str, error_code: str
) -> dict[str, Any]:
    body = plaid_error(exc)
    assert (exc.status, body["error_type"], body["error_code"]) == (
        status,
        error_type,
        error_code,
    ), body
    assert isinstance(body["error_message"], str) and body["error_message"]
    assert "display_message" in body
    return body


def sandbox_public_token(
    api: plaid_api.PlaidApi,
    *,
    products: tuple[str, ...] = ("transactions",),
    webhook: str | None = None,
    username: str = "user_good",
    password: str = "pass_good",
) -> str:
    options = SandboxPublicTokenCreateRequestOptions(
        override_username=username, override_password=password
    )
    if webhook is not None:
        options.webhook = webhook
    response = api.sandbox_public_token_create(
        SandboxPublicTokenCreateRequest(
            institution_id=SANDBOX_INSTITUTION,
            initial_products=[Products(product) for product in products],
            options=options,
        )
    )
    token: str = response.public_token
    return token


def link_item(api: plaid_api.PlaidApi, **options: Any) -> LinkedItem:
    public_token = sandbox_public_token(api, **options)
    response = api.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=public_token)
    )
    return LinkedItem(response.access_token, response.item_id)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session", params=BACKENDS)
def live_gingham(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveGingham]:
    """A `gingham serve` on each backend in turn (two API processes on PostgreSQL), with an API
    client made by the CLI."""
    processes = 2 if request.param == "postgresql" else 1
    with live_gingham_on(
        request.param, tmp_path_factory, client_name="compat", processes=processes
    ) as server:
        yield server


@pytest.fixture
def plaid_factory(live_gingham: LiveGingham) -> Iterator[Callable[..., plaid_api.PlaidApi]]:
    """Makes plaid-python clients for the live server (its credentials unless told otherwise)."""
    made: list[plaid_api.PlaidApi] = []

    def make(client_id: str | None = None, secret: str | None = None) -> plaid_api.PlaidApi:
        api = plaid_api_for(
            live_gingham.base_url,
            client_id or live_gingham.client_id,
            secret or live_gingham.secret,
        )
        if live_gingham.processes > 1:
            # A new connection per request, handed to whichever process accepts it first.
            api.api_client.set_default_header("Connection", "close")
        made.append(api)
        return api

    yield make
    for api in made:
        close_plaid_api(api)


@pytest.fixture
def plaid_client(plaid_factory: Callable[..., plaid_api.PlaidApi]) -> plaid_api.PlaidApi:
    return plaid_factory()


@pytest.fixture
def linked_item(plaid_client: plaid_api.PlaidApi) -> LinkedItem:
    """A new Item at First Platypus Bank with Transactions, made through the sandbox endpoint."""
    return link_item(plaid_client, webhook="https://app.example.com/plaid/webhook")


BANNER_LINE = re.compile(
    r"^\s*(PLAID_CLIENT_ID|PLAID_SECRET|PLAID_PUBLIC_KEY)=(\S+)\s*$", re.MULTILINE
)


def banner_credentials(output: str) -> dict[str, str]:
    """The PLAID_CLIENT_ID / PLAID_SECRET / PLAID_PUBLIC_KEY lines `gingham serve` prints for a
    new client."""
    return dict(BANNER_LINE.findall(output))
