"""The Webhooks page: what /_gingham/webhooks/list says, filtered, per client; a delivery's body,
headers and attempts; and redelivery, which reaches a real receiver again."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.webhooks.models import WebhookAttempt
from tests.builders import PlaidCaller
from tests.dashboard.signing_in import csrf_token, post_form, sign_in
from tests.webhooks.conftest import (  # noqa: F401 (fixtures)
    api,
    app_client,
    deliver_due,
    make_worker,
    receiver,
    secrets,
)
from tests.webhooks.receiver import Receiver

HOOK = "https://app.example.com/plaid/webhooks"


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def item_with_events(plaid: PlaidCaller) -> tuple[str, str]:
    """(access_token, item_id) of an Item that has sent two webhooks: the initial transactions
    pull's and a LOGIN_REPAIRED fired by hand."""
    access_token = plaid.access_token(options={"webhook": HOOK})
    plaid.ok(
        "/sandbox/item/fire_webhook",
        {"access_token": access_token, "webhook_type": "ITEM", "webhook_code": "LOGIN_REPAIRED"},
    )
    item_id: str = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
    return access_token, item_id


def events(plaid: PlaidCaller, **body: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = plaid.ok("/_gingham/webhooks/list", body)["events"]
    return found


class TestTheList:
    def test_shows_every_delivery_and_filters_by_item_and_code(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        _, first = item_with_events(plaid)
        _, second = item_with_events(plaid)
        page = signed_in.get("/dashboard/webhooks").text
        assert first in page and second in page and "LOGIN_REPAIRED" in page

        only_first = signed_in.get("/dashboard/webhooks", params={"item_id": first}).text
        assert first in only_first and second not in only_first
        # The live refresh keeps the filter.
        assert f"/dashboard/webhooks/table?item_id={first}" in only_first
        refreshed = signed_in.get("/dashboard/webhooks/table", params={"item_id": first}).text
        assert first in refreshed and second not in refreshed

        by_code = signed_in.get(
            "/dashboard/webhooks", params={"webhook_code": "LOGIN_REPAIRED"}
        ).text
        assert by_code.count('href="/dashboard/webhooks/') == 2
        assert "ITEM · LOGIN_REPAIRED" in by_code

        nothing = signed_in.get("/dashboard/webhooks", params={"webhook_code": "NO_SUCH"})
        assert nothing.status_code == 200 and "No webhook matches" in nothing.text

    def test_a_filter_the_api_refuses_says_why(self, signed_in: TestClient) -> None:
        response = signed_in.get("/dashboard/webhooks", params={"webhook_code": "X" * 65})
        assert response.status_code == 400
        assert "INVALID_FIELD" in response.text or "INVALID_REQUEST" in response.text

    def test_another_clients_webhooks_are_not_shown(
        self, signed_in: TestClient, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        _, theirs = item_with_events(other_plaid)
        [their_event, *_] = events(other_plaid)
        assert theirs not in signed_in.get("/dashboard/webhooks").text
        response = signed_in.get(f"/dashboard/webhooks/{their_event['event_id']}")
        assert response.status_code == 404
        assert theirs not in response.text


class TestADelivery:
    def test_shows_its_body_and_its_pending_attempt(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        access_token, item_id = item_with_events(plaid)
        event = events(plaid, webhook_code="LOGIN_REPAIRED")[0]
        page = signed_in.get(f"/dashboard/webhooks/{event['event_id']}")
        assert page.status_code == 200
        assert f"&#34;item_id&#34;: &#34;{item_id}&#34;" in page.text
        assert HOOK in page.text and "Pending" in page.text and "Redeliver" in page.text
        assert access_token not in page.text
        attempts = signed_in.get(f"/dashboard/webhooks/{event['event_id']}/attempts").text
        assert "Attempt 1" in attempts

    def test_an_unknown_delivery_is_not_found(self, signed_in: TestClient) -> None:
        response = signed_in.get("/dashboard/webhooks/no-such-event")
        assert response.status_code == 404
        assert "There is no webhook no-such-event" in response.text


class TestRedeliver:
    def test_a_form_without_its_csrf_token_changes_nothing(
        self, signed_in: TestClient, plaid: PlaidCaller, session_factory: sessionmaker[Session]
    ) -> None:
        item_with_events(plaid)
        event = events(plaid, webhook_code="LOGIN_REPAIRED")[0]
        # Delivered already: a redelivery would add a second attempt.
        with session_factory() as session, session.begin():
            session.execute(
                update(WebhookAttempt)
                .where(WebhookAttempt.event_id == event["event_id"])
                .values(status="succeeded", response_status=200)
            )
        action = f"/dashboard/webhooks/{event['event_id']}/redeliver"
        for forged in ({"csrf_token": "forged"}, {}):
            response = signed_in.post(action, data=forged, follow_redirects=False)
            assert response.status_code == 403
            assert "nothing was changed" in response.text
        assert len(events(plaid, event_id=event["event_id"])[0]["attempts"]) == 1
        # With the page's token, it goes.
        detail = f"/dashboard/webhooks/{event['event_id']}"
        assert post_form(signed_in, detail, action, {}).status_code == 303
        assert len(events(plaid, event_id=event["event_id"])[0]["attempts"]) == 2

    def test_an_unknown_event_says_why(self, signed_in: TestClient) -> None:
        response = post_form(
            signed_in, "/dashboard/webhooks", "/dashboard/webhooks/nope/redeliver", {}
        )
        assert response.headers["location"] == "/dashboard/webhooks"
        assert "INVALID_WEBHOOK_EVENT_ID" in signed_in.get("/dashboard/webhooks").text


class TestRedeliveryReachesTheReceiver:
    def test_a_new_attempt_arrives_and_is_shown_with_its_headers(
        self,
        # The webhook tests' fixtures, on a committed database with a real receiver.
        app_client: TestClient,  # noqa: F811
        api: PlaidCaller,  # noqa: F811
        receiver: Receiver,  # noqa: F811
        deliver_due: Callable[..., None],  # noqa: F811
    ) -> None:
        access_token = api.access_token(options={"webhook": receiver.url})
        api.ok(
            "/sandbox/item/fire_webhook",
            {"access_token": access_token, "webhook_code": "DEFAULT_UPDATE"},
        )
        deliver_due()
        [event] = events(api, webhook_code="DEFAULT_UPDATE")
        assert [a["status"] for a in event["attempts"]] == ["succeeded"]
        assert sign_in(app_client, api.credentials).status_code == 303
        detail = f"/dashboard/webhooks/{event['event_id']}"
        page = app_client.get(detail).text
        assert "Delivered" in page and "HTTP 200" in page

        response = app_client.post(
            f"{detail}/redeliver",
            data={"csrf_token": csrf_token(page)},
            follow_redirects=False,
        )
        assert response.headers["location"] == detail
        deliver_due()
        first, second = receiver.wait_for(2)[-2:]
        assert second.delivery_id == first.delivery_id == event["event_id"]
        assert second.headers["gingham-attempt"] == "2" and second.verified
        page = app_client.get(detail).text
        assert "Attempt 2 is on its way" in page
        attempts = app_client.get(f"{detail}/attempts").text
        assert "Attempt 2" in attempts and attempts.count("HTTP 200") == 2
        assert re.search(r"Gingham-Attempt</dt>\s*<dd><code>2</code>", attempts)
        assert "Gingham-Webhooks/" in attempts
        # Each attempt shows the very JWT the receiver verified, not only inbox deliveries.
        for received in (first, second):
            assert received.headers["plaid-verification"] in attempts
