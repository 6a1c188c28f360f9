"""Webhooks from a live `gingham serve` (compressed retries) to a receiver on loopback that
verifies each one as Plaid's docs say, fetching keys with plaid-python's
webhook_verification_key_get: /item/webhook/update, /sandbox/item/reset_login and every
/sandbox/item/fire_webhook code."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import jwt
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.item_status_last_webhook import ItemStatusLastWebhook
from plaid.model.item_webhook_update_request import ItemWebhookUpdateRequest
from plaid.model.sandbox_item_fire_webhook_request import SandboxItemFireWebhookRequest
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest
from plaid.model.webhook_type import WebhookType
from plaid.model.webhook_verification_key_get_request import WebhookVerificationKeyGetRequest

from tests.compat.conftest import (
    LinkedItem,
    assert_plaid_error,
    close_plaid_api,
    link_item,
    plaid_api_for,
)
from tests.live_server import (
    BACKENDS,
    LiveGingham,
    create_api_client,
    empty_database,
    running_server,
    server_environment,
)
from tests.webhooks.receiver import Receiver, running_receiver

ALL_PRODUCTS = ("transactions", "auth", "identity", "investments", "liabilities", "assets")
LOGIN_REQUIRED_MESSAGE = (
    "the login details of this item have changed (credentials, MFA, or required user action) and "
    "a user login is required to update this information. use Link's update mode to restore the "
    "item to a good state"
)


@pytest.fixture(scope="module", params=BACKENDS)
def webhook_gingham(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveGingham]:
    """`gingham serve` with its in-process worker on compressed retries."""
    with empty_database(request.param, tmp_path_factory) as database:
        environment = {**server_environment(database), "GINGHAM_WEBHOOK_RETRY": "compressed"}
        client_id, secret = create_api_client(environment, "webhooks")
        log_path = tmp_path_factory.mktemp(f"gingham-webhooks-{request.param}") / "server.log"
        with running_server(environment, log_path) as server:
            yield LiveGingham(server.base_url, client_id, secret)


@pytest.fixture
def api(webhook_gingham: LiveGingham) -> Iterator[plaid_api.PlaidApi]:
    client = plaid_api_for(
        webhook_gingham.base_url, webhook_gingham.client_id, webhook_gingham.secret
    )
    yield client
    close_plaid_api(client)


def plaid_key_fetcher(api: plaid_api.PlaidApi) -> Callable[[str], dict[str, Any]]:
    def fetch(kid: str) -> dict[str, Any]:
        key = api.webhook_verification_key_get(WebhookVerificationKeyGetRequest(key_id=kid)).key
        fetched: dict[str, Any] = key.to_dict()
        return fetched

    return fetch


@pytest.fixture
def receiver(webhook_gingham: LiveGingham) -> Iterator[Receiver]:
    # The receiver's own plaid-python client: it fetches keys from its handler threads.
    fetcher_api = plaid_api_for(
        webhook_gingham.base_url, webhook_gingham.client_id, webhook_gingham.secret
    )
    try:
        with running_receiver(plaid_key_fetcher(fetcher_api)) as running:
            yield running
    finally:
        close_plaid_api(fetcher_api)


def item_with_webhook(api: plaid_api.PlaidApi, url: str) -> LinkedItem:
    return link_item(api, products=ALL_PRODUCTS, webhook=url)


def delivery_log(server: LiveGingham, **body: Any) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{server.base_url}/_gingham/webhooks/list",
        json=body,
        headers={"PLAID-CLIENT-ID": server.client_id, "PLAID-SECRET": server.secret},
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def only_verified(receiver: Receiver, count: int = 1) -> list[dict[str, Any]]:
    deliveries = receiver.wait_for(count)
    assert all(delivery.verified for delivery in deliveries), [d.rejection for d in deliveries]
    return [delivery.payload for delivery in deliveries]


class TestWebhookUpdate:
    def test_acknowledged_at_the_new_url(self, api: plaid_api.PlaidApi, receiver: Receiver) -> None:
        item = link_item(api, webhook="http://127.0.0.1:9/old")
        new_url = receiver.url + "/new"

        api.item_webhook_update(
            ItemWebhookUpdateRequest(access_token=item.access_token, webhook=new_url)
        )

        [payload] = only_verified(receiver)
        assert receiver.deliveries[0].path == "/new"
        assert payload == {
            "webhook_type": "ITEM",
            "webhook_code": "WEBHOOK_UPDATE_ACKNOWLEDGED",
            "item_id": item.item_id,
            "new_webhook_url": new_url,
            "error": None,
            "environment": "sandbox",
        }
        # /item/get reports it once the worker has recorded the receiver's answer.
        last_webhook = wait_for_last_webhook(api, item.access_token)
        assert last_webhook.code_sent == "WEBHOOK_UPDATE_ACKNOWLEDGED"
        assert isinstance(last_webhook.sent_at, datetime)


class TestResetLogin:
    def test_item_error_webhook_and_login_required(
        self, api: plaid_api.PlaidApi, receiver: Receiver
    ) -> None:
        item = item_with_webhook(api, receiver.url)

        response = api.sandbox_item_reset_login(
            SandboxItemResetLoginRequest(access_token=item.access_token)
        )

        assert response.reset_login is True
        [payload] = only_verified(receiver)
        assert payload == {
            "webhook_type": "ITEM",
            "webhook_code": "ERROR",
            "item_id": item.item_id,
            "error": {
                "error_type": "ITEM_ERROR",
                "error_code": "ITEM_LOGIN_REQUIRED",
                "error_message": LOGIN_REQUIRED_MESSAGE,
                "display_message": None,
                "status": 400,
            },
            "environment": "sandbox",
        }
        with pytest.raises(plaid.ApiException) as caught:
            api.accounts_get(AccountsGetRequest(access_token=item.access_token))
        assert_plaid_error(
            caught.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOGIN_REQUIRED"
        )


# Each code, the type it arrives as, and the fields its documented body must carry.
FIRED = [
    ("DEFAULT_UPDATE", None, "TRANSACTIONS", {"item_id", "error", "new_transactions"}),
    (
        "DEFAULT_UPDATE",
        "AUTH",
        "AUTH",
        {"item_id", "account_ids_with_new_auth", "account_ids_with_updated_auth", "error"},
    ),
    ("NEW_ACCOUNTS_AVAILABLE", None, "ITEM", {"item_id", "error"}),
    ("SMS_MICRODEPOSITS_VERIFICATION", None, "AUTH", {"status", "item_id", "account_id"}),
    ("AUTHORIZATION_GRANTED", None, "ITEM", {"item_id"}),
    ("USER_PERMISSION_REVOKED", None, "ITEM", {"item_id", "error"}),
    ("USER_ACCOUNT_REVOKED", None, "ITEM", {"item_id", "account_id"}),
    ("PENDING_DISCONNECT", None, "ITEM", {"item_id", "reason", "disconnect_time"}),
    ("PENDING_EXPIRATION", None, "ITEM", {"item_id", "consent_expiration_time"}),
    ("RECURRING_TRANSACTIONS_UPDATE", None, "TRANSACTIONS", {"item_id", "account_ids"}),
    ("LOGIN_REPAIRED", None, "ITEM", {"item_id"}),
    (
        "SYNC_UPDATES_AVAILABLE",
        None,
        "TRANSACTIONS",
        {"item_id", "initial_update_complete", "historical_update_complete"},
    ),
    ("PRODUCT_READY", None, "ASSETS", {"asset_report_id", "report_type"}),
    ("ERROR", None, "ITEM", {"item_id", "error"}),
]


class TestFireWebhook:
    @pytest.mark.parametrize(("code", "requested_type", "webhook_type", "fields"), FIRED)
    def test_every_code_arrives_verified_with_its_fields(
        self,
        api: plaid_api.PlaidApi,
        receiver: Receiver,
        code: str,
        requested_type: str | None,
        webhook_type: str,
        fields: set[str],
    ) -> None:
        item = item_with_webhook(api, receiver.url)
        request = SandboxItemFireWebhookRequest(access_token=item.access_token, webhook_code=code)
        if requested_type:
            request.webhook_type = WebhookType(requested_type)

        assert api.sandbox_item_fire_webhook(request).webhook_fired is True

        [payload] = only_verified(receiver)
        assert set(payload) == {"webhook_type", "webhook_code", "environment", *fields}
        assert (payload["webhook_type"], payload["webhook_code"]) == (webhook_type, code)
        assert payload["environment"] == "sandbox"
        if "item_id" in fields:
            assert payload["item_id"] == item.item_id
        if "error" in fields and payload["error"] is not None:
            assert payload["error"]["status"] == 400
            assert "request_id" not in payload["error"]

    def test_item_without_webhook_is_refused(self, api: plaid_api.PlaidApi) -> None:
        item = link_item(api)
        with pytest.raises(plaid.ApiException) as caught:
            api.sandbox_item_fire_webhook(
                SandboxItemFireWebhookRequest(
                    access_token=item.access_token, webhook_code="LOGIN_REPAIRED"
                )
            )
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="SANDBOX_ERROR",
            error_code="SANDBOX_WEBHOOK_INVALID",
        )

    def test_product_the_item_lacks_is_refused(
        self, api: plaid_api.PlaidApi, receiver: Receiver
    ) -> None:
        item = link_item(api, products=("auth",), webhook=receiver.url)
        with pytest.raises(plaid.ApiException) as caught:
            api.sandbox_item_fire_webhook(
                SandboxItemFireWebhookRequest(
                    access_token=item.access_token, webhook_code="SYNC_UPDATES_AVAILABLE"
                )
            )
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="SANDBOX_ERROR",
            error_code="SANDBOX_PRODUCT_NOT_ENABLED",
        )


class TestVerification:
    def test_tampered_body_is_rejected(self, api: plaid_api.PlaidApi, receiver: Receiver) -> None:
        item = item_with_webhook(api, receiver.url)
        api.sandbox_item_fire_webhook(
            SandboxItemFireWebhookRequest(
                access_token=item.access_token, webhook_code="LOGIN_REPAIRED"
            )
        )
        [genuine] = receiver.wait_for(1)
        assert genuine.verified

        forged = json.dumps({**genuine.payload, "webhook_code": "USER_PERMISSION_REVOKED"})
        answer = httpx.post(
            receiver.url,
            content=forged,
            headers={
                "Content-Type": "application/json",
                "Plaid-Verification": genuine.headers["plaid-verification"],
            },
        )

        assert answer.status_code == 400
        assert not receiver.deliveries[-1].verified

    def test_verification_key_through_plaid_python(
        self, api: plaid_api.PlaidApi, receiver: Receiver
    ) -> None:
        item = item_with_webhook(api, receiver.url)
        api.sandbox_item_fire_webhook(
            SandboxItemFireWebhookRequest(
                access_token=item.access_token, webhook_code="LOGIN_REPAIRED"
            )
        )
        [delivery] = receiver.wait_for(1)
        kid = jwt.get_unverified_header(delivery.headers["plaid-verification"])["kid"]

        key = api.webhook_verification_key_get(WebhookVerificationKeyGetRequest(key_id=kid)).key

        assert (key.alg, key.crv, key.kid, key.kty, key.use) == ("ES256", "P-256", kid, "EC", "sig")
        assert isinstance(key.created_at, int) and key.expired_at is None

    def test_unknown_key_id(self, api: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            api.webhook_verification_key_get(
                WebhookVerificationKeyGetRequest(key_id="6c5516e1-92dc-479e-a8ff-5a51992e0001")
            )
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="INVALID_INPUT",
            error_code="INVALID_WEBHOOK_VERIFICATION_KEY_ID",
        )


class TestRetries:
    def test_two_failures_then_success(
        self, api: plaid_api.PlaidApi, receiver: Receiver, webhook_gingham: LiveGingham
    ) -> None:
        receiver.script[:] = [500, 500]
        item = item_with_webhook(api, receiver.url)
        api.sandbox_item_fire_webhook(
            SandboxItemFireWebhookRequest(
                access_token=item.access_token, webhook_code="LOGIN_REPAIRED"
            )
        )

        deliveries = receiver.wait_for(3)

        assert [d.answered for d in deliveries] == [500, 500, 200]
        assert all(d.verified for d in deliveries)
        assert len({d.delivery_id for d in deliveries}) == 1
        attempts = wait_for_log(webhook_gingham, item.item_id, ["failed", "failed", "succeeded"])
        assert [a["response_status"] for a in attempts] == [500, 500, 200]


def wait_for_last_webhook(
    api: plaid_api.PlaidApi, access_token: str, timeout: float = 20.0
) -> ItemStatusLastWebhook:
    deadline = time.monotonic() + timeout
    while True:
        status = api.item_get(ItemGetRequest(access_token=access_token)).status
        last_webhook: ItemStatusLastWebhook | None = status.get("last_webhook")
        if last_webhook is not None:
            return last_webhook
        assert time.monotonic() < deadline, "status.last_webhook stayed null"
        time.sleep(0.05)


def wait_for_log(
    server: LiveGingham, item_id: str, expected: list[str], timeout: float = 20.0
) -> list[dict[str, Any]]:
    """The Item's one event's attempts, once their statuses are `expected`."""
    deadline = time.monotonic() + timeout
    while True:
        [event] = delivery_log(server, item_id=item_id)
        attempts: list[dict[str, Any]] = event["attempts"]
        if [a["status"] for a in attempts] == expected or time.monotonic() > deadline:
            assert [a["status"] for a in attempts] == expected
            return attempts
        time.sleep(0.05)
