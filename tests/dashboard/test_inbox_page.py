"""The webhook inbox page: the client's receiver URL, what it received with its verdict, per
client, and pointing an Item's webhook at it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.webhooks import signing
from tests.builders import PlaidCaller
from tests.conftest import TEST_SECRET_KEY
from tests.dashboard.signing_in import post_form, sign_in

BODY = json.dumps(
    {
        "webhook_type": "TRANSACTIONS",
        "webhook_code": "SYNC_UPDATES_AVAILABLE",
        "item_id": "item-from-the-test",
        "environment": "sandbox",
    }
).encode()


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


@pytest.fixture
def signing_key(
    session_factory: sessionmaker[Session], settings: Settings, clock: FrozenClock
) -> signing.SigningKey:
    secrets = SecretBox(load_or_create_key(TEST_SECRET_KEY, settings.data_dir))
    with session_factory() as session, session.begin():
        return signing.load_signing_key(session, secrets, clock.now())


def inbox_url(plaid: PlaidCaller) -> str:
    url: str = plaid.ok("/_gingham/webhook_inbox/get")["url"]
    return url


def post_to_inbox(plaid: PlaidCaller, settings: Settings, verification: str | None) -> int:
    headers = {"Content-Type": "application/json", "Gingham-Delivery-Id": "evt-dash"}
    if verification is not None:
        headers["Plaid-Verification"] = verification
    path = inbox_url(plaid).removeprefix(settings.base_url)
    return plaid.client.post(path, content=BODY, headers=headers).status_code


class TestThePage:
    def test_shows_the_url_and_how_to_use_it(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        page = signed_in.get("/dashboard/inbox").text
        assert f'value="{inbox_url(plaid)}"' in page
        assert "/item/webhook/update" in page and "/link/token/create" in page
        assert "Nothing received yet" in page

    def test_shows_what_arrived_with_its_verdict_newest_first(
        self,
        signed_in: TestClient,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        token = signing_key.sign(BODY, iat=int(clock.now().timestamp()))
        assert post_to_inbox(plaid, settings, token) == 200
        assert post_to_inbox(plaid, settings, None) == 400
        messages = signed_in.get("/dashboard/inbox/messages").text
        assert messages.count("TRANSACTIONS · SYNC_UPDATES_AVAILABLE") == 2
        assert messages.index("Not verified") < messages.index("Verified")
        assert "no Plaid-Verification header" in messages
        assert token in messages and "evt-dash" in messages
        assert "&#34;item_id&#34;: &#34;item-from-the-test&#34;" in messages
        assert "item-from-the-test" in signed_in.get("/dashboard/inbox").text

    def test_another_clients_inbox_is_not_shown(
        self,
        signed_in: TestClient,
        plaid: PlaidCaller,
        other_plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        token = signing_key.sign(BODY, iat=int(clock.now().timestamp()))
        assert post_to_inbox(other_plaid, settings, token) == 200
        page = signed_in.get("/dashboard/inbox").text
        assert inbox_url(other_plaid) not in page and token not in page
        assert "Nothing received yet" in page


class TestPointAnItemHere:
    def test_sets_the_items_webhook_as_the_api_would(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token(options={"webhook": "https://app.example.com/hook"})
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        response = post_form(
            signed_in, "/dashboard/inbox", "/dashboard/inbox/item_webhook", {"item_id": item_id}
        )
        assert response.headers["location"] == "/dashboard/inbox"
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["webhook"] == inbox_url(plaid)
        [event] = plaid.ok(
            "/_gingham/webhooks/list", {"webhook_code": "WEBHOOK_UPDATE_ACKNOWLEDGED"}
        )["events"]
        assert event["url"] == inbox_url(plaid)
        assert "now come here" in signed_in.get("/dashboard/inbox").text

    def test_another_clients_item_is_refused(
        self, signed_in: TestClient, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        access_token = other_plaid.access_token(options={"webhook": "https://app.example.com/h"})
        item_id = other_plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        response = post_form(
            signed_in, "/dashboard/inbox", "/dashboard/inbox/item_webhook", {"item_id": item_id}
        )
        assert response.status_code == 400
        assert "ITEM_NOT_FOUND" in response.text
        item = other_plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["webhook"] == "https://app.example.com/h"

    def test_a_form_without_its_csrf_token_changes_nothing(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token(options={"webhook": "https://app.example.com/hook"})
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        response = signed_in.post(
            "/dashboard/inbox/item_webhook",
            data={"item_id": item_id, "csrf_token": "forged"},
            follow_redirects=False,
        )
        assert response.status_code == 403
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["webhook"] == "https://app.example.com/hook"
