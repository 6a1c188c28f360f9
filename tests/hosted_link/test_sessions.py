"""Hosted Link sessions: the page, its LINK webhooks, /link/token/get, and one URL used again."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from plaid.api_client import ApiClient
from plaid.model.item_add_result_webhook import ItemAddResultWebhook
from plaid.model.link_events_webhook import LinkEventsWebhook
from plaid.model.link_session_finished_webhook import LinkSessionFinishedWebhook
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from tests.builders import PlaidCaller, advance
from tests.hosted_link.helpers import WEBHOOK, create_hosted, link_webhooks, page_config, page_path
from tests.link.helpers import FrameDriver


def link_an_item(frame: FrameDriver) -> dict[str, Any]:
    frame.login()
    frame.act("select_accounts", account_ids=[frame.state["view"]["accounts"][0]["id"]])
    final = frame.act("continue")
    outcome: dict[str, Any] = final["outcome"]
    assert outcome["type"] == "success"
    return outcome


def exit_link(frame: FrameDriver) -> dict[str, Any]:
    frame.start()
    frame.act("exit")
    outcome: dict[str, Any] = frame.act("exit_confirm")["outcome"]
    assert outcome["type"] == "exit"
    return outcome


class TestPage:
    def test_the_page_runs_link_with_the_token_and_the_completion_redirect(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(
            plaid, hosted_link={"completion_redirect_uri": "wonderwallet://done"}
        )
        response = client.get(page_path(created))
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert '<script src="/link/static/link.js" defer></script>' in response.text
        assert page_config(client, page_path(created)) == {
            "link_token": created["link_token"],
            "completion_redirect_uri": "wonderwallet://done",
            "received_redirect_uri": None,
            "is_mobile_app": False,
        }

    def test_an_unknown_url_says_so(self, client: TestClient) -> None:
        response = client.get("/hosted-link/not-a-real-key")
        assert response.status_code == 404
        assert 'data-view="HOSTED_LINK_NOT_FOUND"' in response.text
        assert "<h1>This link isn&#x27;t valid</h1>" in response.text

    def test_the_url_expires_on_the_sandbox_clock_with_its_token(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid, hosted_link={"url_lifetime_seconds": 600})
        advance(plaid, "PT9M")
        assert client.get(page_path(created)).status_code == 200
        advance(plaid, "PT1M")
        response = client.get(page_path(created))
        assert response.status_code == 410
        assert 'data-view="HOSTED_LINK_EXPIRED"' in response.text
        assert "<h1>This link has expired</h1>" in response.text
        start = client.post("/link/frame/sessions", json={"link_token": created["link_token"]})
        assert start.json()["error_code"] == "INVALID_LINK_TOKEN"


class TestWebhooks:
    def test_a_linked_item_sends_item_add_result_session_finished_and_events(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid)
        frame = FrameDriver(client, page_config(client, page_path(created))["link_token"])
        outcome = link_an_item(frame)
        session_id = frame.state["link_session_id"]
        public_token = outcome["public_token"]
        sent = link_webhooks(plaid, session_id)
        assert sent["ITEM_ADD_RESULT"] == {
            "webhook_type": "LINK",
            "webhook_code": "ITEM_ADD_RESULT",
            "link_session_id": session_id,
            "link_token": created["link_token"],
            "public_token": public_token,
            "environment": "sandbox",
        }
        assert sent["SESSION_FINISHED"] == {
            "webhook_type": "LINK",
            "webhook_code": "SESSION_FINISHED",
            "status": "SUCCESS",
            "link_session_id": session_id,
            "link_token": created["link_token"],
            "public_tokens": [public_token],
            "public_token": public_token,
            "environment": "sandbox",
        }
        events = sent["EVENTS"]
        assert set(events) == {
            "webhook_type", "webhook_code", "events", "link_session_id", "link_token", "environment"
        }  # fmt: skip
        assert [e["event_name"] for e in events["events"]] == [
            e["event_name"] for e in frame.events
        ]
        for event in events["events"]:
            assert set(event) == {"event_id", "event_name", "timestamp", "event_metadata"}
            uuid.UUID(event["event_id"])
            assert "link_session_id" not in event["event_metadata"]
        # The public token the webhook carries is the app's to exchange.
        plaid.ok("/item/public_token/exchange", {"public_token": public_token})

    def test_an_exit_sends_session_finished_exited_and_events(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid)
        frame = FrameDriver(client, created["link_token"])
        exit_link(frame)
        sent = link_webhooks(plaid, frame.state["link_session_id"])
        assert set(sent) == {"SESSION_FINISHED", "EVENTS"}
        assert sent["SESSION_FINISHED"]["status"] == "EXITED"
        assert "public_tokens" not in sent["SESSION_FINISHED"]
        assert sent["EVENTS"]["events"][-1]["event_name"] == "EXIT"

    def test_a_session_link_gives_up_on_sends_session_finished_exited_and_events(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        # The user opened the URL and walked away: 30 minutes later (on the sandbox clock) the
        # deadline timer ends the session, and the app hears of it as of any other exit.
        created = create_hosted(plaid, hosted_link={"url_lifetime_seconds": 7200})
        frame = FrameDriver(client, created["link_token"])
        frame.start()
        assert link_webhooks(plaid, frame.state["link_session_id"]) == {}
        advance(plaid, "PT30M")
        sent = link_webhooks(plaid, frame.state["link_session_id"])
        assert set(sent) == {"SESSION_FINISHED", "EVENTS"}
        assert sent["SESSION_FINISHED"]["status"] == "EXITED"
        assert sent["SESSION_FINISHED"]["link_token"] == created["link_token"]
        names = [event["event_name"] for event in sent["EVENTS"]["events"]]
        assert names[-2:] == ["ERROR", "EXIT"]
        assert sent["EVENTS"]["events"][-2]["event_metadata"]["error_code"] == (
            "INVALID_LINK_TOKEN"
        )

    def test_the_users_user_id_is_in_session_finished(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        user = plaid.ok("/user/create", {"client_user_id": "hosted-user"})
        created = create_hosted(plaid, user_token=user["user_token"])
        frame = FrameDriver(client, created["link_token"])
        exit_link(frame)
        finished = link_webhooks(plaid, frame.state["link_session_id"])["SESSION_FINISHED"]
        assert finished["user_id"] == user["user_id"]

    def test_the_webhooks_go_to_the_link_tokens_webhook(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid)
        frame = FrameDriver(client, created["link_token"])
        exit_link(frame)
        events = plaid.ok("/_gingham/webhooks/list", {})["events"]
        assert {e["url"] for e in events if e["webhook_type"] == "LINK"} == {WEBHOOK}

    def test_no_webhook_no_link_webhooks(self, client: TestClient, plaid: PlaidCaller) -> None:
        created = create_hosted(plaid, webhook=None)
        exit_link(FrameDriver(client, created["link_token"]))
        assert plaid.ok("/_gingham/webhooks/list", {})["events"] == []

    def test_sessions_without_hosted_link_send_no_link_webhooks(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid, hosted_link=None)
        link_an_item(FrameDriver(client, created["link_token"]))
        events = plaid.ok("/_gingham/webhooks/list", {})["events"]
        assert [e for e in events if e["webhook_type"] == "LINK"] == []


class _Body:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.data = json.dumps(payload)


class TestPlaidPythonReadsTheWebhooks:
    def test_every_body_deserializes_into_plaid_pythons_model(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid)
        frame = FrameDriver(client, created["link_token"])
        link_an_item(frame)
        sent = link_webhooks(plaid, frame.state["link_session_id"])
        models = {
            "ITEM_ADD_RESULT": ItemAddResultWebhook,
            "SESSION_FINISHED": LinkSessionFinishedWebhook,
            "EVENTS": LinkEventsWebhook,
        }
        api_client = ApiClient()
        for code, model in models.items():
            # Strict type checking: a field of the wrong type or shape fails here.
            read = api_client.deserialize(_Body(sent[code]), (model,), True)
            assert read.to_dict() == sent[code]


class TestOneUrlManySessions:
    def test_after_an_exit_the_url_starts_a_new_session(
        self, client: TestClient, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        created = create_hosted(plaid)
        first = FrameDriver(client, created["link_token"])
        exit_link(first)
        # Sessions are listed by when they started: the second starts later, as it would.
        clock.advance(timedelta(seconds=1))
        second = FrameDriver(client, page_config(client, page_path(created))["link_token"])
        link_an_item(second)
        assert first.state["link_session_id"] != second.state["link_session_id"]
        got = plaid.ok("/link/token/get", {"link_token": created["link_token"]})
        sessions = got["link_sessions"]
        assert [s["link_session_id"] for s in sessions] == [
            first.state["link_session_id"],
            second.state["link_session_id"],
        ]
        assert "results" not in sessions[0] and sessions[0]["exit"]["error"] is None
        results = sessions[1]["results"]["item_add_results"]
        assert results[0]["public_token"] == second.state["outcome"]["public_token"]
        assert got["metadata"]["webhook"] == WEBHOOK

    def test_once_an_item_is_linked_the_url_says_it_is_done(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid)
        link_an_item(FrameDriver(client, created["link_token"]))
        response = client.get(page_path(created))
        assert response.status_code == 200
        assert 'data-view="HOSTED_LINK_COMPLETED"' in response.text
        assert created["link_token"] not in response.text

    def test_a_second_tab_ends_with_invalid_link_token_once_the_first_links(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        created = create_hosted(plaid)
        first = FrameDriver(client, created["link_token"])
        second = FrameDriver(client, created["link_token"])
        second.start()
        link_an_item(first)
        outcome = second.act("continue")["outcome"]
        assert outcome["type"] == "exit"
        assert outcome["error"]["error_code"] == "INVALID_LINK_TOKEN"
        finished = link_webhooks(plaid, second.state["link_session_id"])["SESSION_FINISHED"]
        assert finished["status"] == "EXITED"
        # The app still reads both sessions.
        got = plaid.ok("/link/token/get", {"link_token": created["link_token"]})
        assert len(got["link_sessions"]) == 2


class TestDeliveries:
    def test_a_delivery_is_recorded_not_sent(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        user = {"client_user_id": "u", "phone_number": "+14155550011"}
        created = create_hosted(plaid, user=user, hosted_link={"delivery_method": "sms"})
        create_hosted(plaid)  # no delivery asked
        deliveries = plaid.ok("/_gingham/hosted_link/deliveries/list", {})["deliveries"]
        assert len(deliveries) == 1
        delivery = deliveries[0]
        uuid.UUID(delivery.pop("delivery_id"))
        assert delivery == {
            "delivery_method": "sms",
            "destination": "+14155550011",
            "hosted_link_url": created["hosted_link_url"],
            "created_at": delivery["created_at"],
            "expiration": created["expiration"],
            "status": "NOT_SENT",
        }
        assert other_plaid.ok("/_gingham/hosted_link/deliveries/list", {})["deliveries"] == []

    def test_email_deliveries_go_to_the_users_address(self, plaid: PlaidCaller) -> None:
        user = {"client_user_id": "u", "email_address": "user@example.com"}
        create_hosted(plaid, user=user, hosted_link={"delivery_method": "email"})
        (delivery,) = plaid.ok("/_gingham/hosted_link/deliveries/list", {})["deliveries"]
        assert (delivery["delivery_method"], delivery["destination"]) == (
            "email",
            "user@example.com",
        )

    def test_the_list_needs_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post("/_gingham/hosted_link/deliveries/list", {}, authenticated=False)
        assert response.status_code == 400


class TestHeadlessCompletion:
    """An app's CI completes Hosted Link sessions without a browser, and gets the same webhooks."""

    def test_success(self, client: TestClient, plaid: PlaidCaller) -> None:
        created = create_hosted(plaid)
        done = plaid.ok("/_gingham/link/complete", {"link_token": created["link_token"]})
        sent = link_webhooks(plaid, done["link_session_id"])
        assert set(sent) == {"ITEM_ADD_RESULT", "SESSION_FINISHED", "EVENTS"}
        assert sent["SESSION_FINISHED"]["public_tokens"] == [done["public_token"]]
        assert 'data-view="HOSTED_LINK_COMPLETED"' in client.get(page_path(created)).text

    def test_exit(self, plaid: PlaidCaller) -> None:
        created = create_hosted(plaid)
        done = plaid.ok(
            "/_gingham/link/complete", {"link_token": created["link_token"], "outcome": "exit"}
        )
        finished = link_webhooks(plaid, done["link_session_id"])["SESSION_FINISHED"]
        assert finished["status"] == "EXITED"
