"""/webhook_verification_key/get, the delivery log and redelivery, and the webhooks state
changes queue — driven in-process; nothing is delivered here (tests/webhooks/test_delivery.py
runs workers)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.items import service as items_service
from gingham.webhooks import outbox, signing
from gingham.webhooks.models import WebhookEvent, WebhookSigningKey
from gingham.wire.context import Caller
from tests.builders import PlaidCaller

HOOK = "https://app.example.com/plaid/webhook"


def events(plaid: PlaidCaller, **body: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = plaid.ok("/_gingham/webhooks/list", body)["events"]
    return found


def item_id_of(plaid: PlaidCaller, access_token: str) -> str:
    item_id: str = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
    return item_id


@pytest.fixture
def secrets(settings: Settings) -> SecretBox:
    return SecretBox(load_or_create_key(settings.secret_key, settings.data_dir))


class TestVerificationKey:
    def test_returns_the_public_jwk(
        self, plaid: PlaidCaller, session: Session, secrets: SecretBox, clock: FrozenClock
    ) -> None:
        with session.begin():
            kid = signing.load_signing_key(session, secrets, clock.now()).kid

        key = plaid.ok("/webhook_verification_key/get", {"key_id": kid})["key"]

        assert set(key) == {"alg", "crv", "kid", "kty", "use", "x", "y", "created_at", "expired_at"}
        assert (key["alg"], key["crv"], key["kid"], key["kty"], key["use"]) == (
            "ES256",
            "P-256",
            kid,
            "EC",
            "sig",
        )
        assert key["created_at"] == int(clock.now().timestamp())
        assert key["expired_at"] is None
        assert len(key["x"]) == len(key["y"]) == 43  # 32 bytes, base64url without padding

    def test_unknown_key_id(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/webhook_verification_key/get", {"key_id": "not-a-key"})
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
        )

    def test_key_id_is_required(self, plaid: PlaidCaller) -> None:
        assert plaid.error("/webhook_verification_key/get", {})["error_code"] == "MISSING_FIELDS"


class TestSigningKeys:
    def test_one_key_is_created_on_first_use_and_reused(
        self, session: Session, secrets: SecretBox, clock: FrozenClock
    ) -> None:
        with session.begin():
            first = signing.load_signing_key(session, secrets, clock.now())
            again = signing.load_signing_key(session, secrets, clock.now())
            count = session.scalar(select(func.count()).select_from(WebhookSigningKey))
        assert first.kid == again.kid
        assert count == 1

    def test_private_key_is_sealed_at_rest(
        self, session: Session, secrets: SecretBox, clock: FrozenClock
    ) -> None:
        with session.begin():
            kid = signing.load_signing_key(session, secrets, clock.now()).kid
            row = session.get(WebhookSigningKey, kid)
        assert row is not None
        assert "PRIVATE KEY" not in row.private_key_sealed
        assert "BEGIN PRIVATE KEY" in secrets.open(
            row.private_key_sealed, context=f"webhook-key:{kid}"
        )

    def test_rotation_expires_nothing_until_retired_after_the_grace(
        self, session: Session, secrets: SecretBox, clock: FrozenClock
    ) -> None:
        with session.begin():
            old = signing.load_signing_key(session, secrets, clock.now()).kid
            clock.advance(timedelta(minutes=1))
            new = signing.rotate_signing_key(session, secrets, clock.now())
            assert signing.active_key_id(session) == new
            assert signing.verification_key(session, old)["expired_at"] is None
            assert signing.retire_signing_keys(session, clock.now()) == []
            later = clock.now() + signing.RETIREMENT_GRACE
            assert signing.retire_signing_keys(session, later) == [old]
            assert signing.verification_key(session, old)["expired_at"] == int(later.timestamp())
            assert signing.load_signing_key(session, secrets, clock.now()).kid == new

    def test_a_key_made_on_an_unmoved_clock_still_takes_over(
        self, session: Session, secrets: SecretBox, clock: FrozenClock
    ) -> None:
        with session.begin():
            signing.load_signing_key(session, secrets, clock.now())
            new = signing.rotate_signing_key(session, secrets, clock.now())
            assert signing.load_signing_key(session, secrets, clock.now()).kid == new


class TestDeliveryLog:
    def test_lists_the_callers_events_with_their_attempts(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token(options={"webhook": HOOK})
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        other_plaid.ok(
            "/sandbox/item/reset_login",
            {"access_token": other_plaid.access_token(options={"webhook": HOOK})},
        )

        [event] = events(plaid)

        assert (event["webhook_type"], event["webhook_code"], event["url"]) == (
            "ITEM",
            "ERROR",
            HOOK,
        )
        assert event["item_id"] == item_id_of(plaid, access_token)
        assert event["payload"]["webhook_code"] == "ERROR"
        assert event["created_at"] == "2026-03-02T09:30:00.000Z"
        [attempt] = event["attempts"]
        assert attempt["attempt"] == 1 and attempt["status"] == "pending"
        assert attempt["due_at"] is None  # at once
        assert attempt["response_status"] is None and attempt["latency_ms"] is None
        assert attempt["verification"] is None  # not signed until it is sent

    def test_filters_by_item_and_limits_newest_first(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        first = plaid.access_token(options={"webhook": HOOK})
        second = plaid.access_token(options={"webhook": HOOK})
        for access_token in (first, second, first):
            clock.advance(timedelta(seconds=1))
            plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})

        assert len(events(plaid)) == 3
        assert len(events(plaid, item_id=item_id_of(plaid, first))) == 2
        [newest] = events(plaid, limit=1)
        assert newest["item_id"] == item_id_of(plaid, first)
        assert newest["created_at"] == "2026-03-02T09:30:03.000Z"

    def test_filters_by_code_and_by_event(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token(options={"webhook": HOOK})
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        plaid.ok("/item/webhook/update", {"access_token": access_token, "webhook": HOOK})

        [acknowledged] = events(plaid, webhook_code="WEBHOOK_UPDATE_ACKNOWLEDGED")
        [error] = events(plaid, webhook_code="ERROR")
        assert events(plaid, event_id=error["event_id"]) == [error]
        assert acknowledged["event_id"] != error["event_id"]
        assert events(other_plaid, event_id=error["event_id"]) == []

    def test_needs_api_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post("/_gingham/webhooks/list", {}, authenticated=False)
        assert response.status_code == 400
        assert response.json()["error_code"] == "MISSING_FIELDS"


class TestRedeliver:
    def test_unknown_or_another_clients_event(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        plaid.ok(
            "/sandbox/item/reset_login",
            {"access_token": plaid.access_token(options={"webhook": HOOK})},
        )
        [event] = events(plaid)
        for caller, event_id in ((plaid, "nope"), (other_plaid, event["event_id"])):
            error = caller.error("/_gingham/webhooks/redeliver", {"event_id": event_id})
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_INPUT",
                "INVALID_WEBHOOK_EVENT_ID",
            )

    def test_pending_attempt_is_made_due_now(self, plaid: PlaidCaller) -> None:
        plaid.ok(
            "/sandbox/item/reset_login",
            {"access_token": plaid.access_token(options={"webhook": HOOK})},
        )
        [event] = events(plaid)
        attempt = plaid.ok("/_gingham/webhooks/redeliver", {"event_id": event["event_id"]})[
            "attempt"
        ]
        assert attempt["attempt"] == 1
        assert len(events(plaid)[0]["attempts"]) == 1


class TestWebhookUpdate:
    def test_acknowledgement_goes_to_the_new_url(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(options={"webhook": HOOK})
        new_url = "https://new.example.com/hook"

        plaid.ok("/item/webhook/update", {"access_token": access_token, "webhook": new_url})

        [event] = events(plaid)
        assert event["url"] == new_url
        assert event["payload"] == {
            "webhook_type": "ITEM",
            "webhook_code": "WEBHOOK_UPDATE_ACKNOWLEDGED",
            "item_id": item_id_of(plaid, access_token),
            "new_webhook_url": new_url,
            "error": None,
            "environment": "sandbox",
        }

    def test_clearing_the_webhook_sends_nothing(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(options={"webhook": HOOK})
        plaid.ok("/item/webhook/update", {"access_token": access_token, "webhook": None})
        assert events(plaid) == []


class TestEnqueue:
    def test_enqueued_webhooks_roll_back_with_their_transaction(
        self, plaid: PlaidCaller, session: Session, clock: FrozenClock
    ) -> None:
        access_token = plaid.access_token(options={"webhook": HOOK})
        caller = Caller(plaid.credentials["client_id"], "sandbox")
        with session.begin():
            item = items_service.item_for_access_token(session, caller, access_token)
            outbox.enqueue_webhook(
                session,
                item=item,
                webhook_type="ITEM",
                webhook_code="LOGIN_REPAIRED",
                fields={"item_id": item.id},
                now=clock.now(),
            )
            session.rollback()
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0

    def test_item_without_webhook_enqueues_nothing(
        self, plaid: PlaidCaller, session: Session, clock: FrozenClock
    ) -> None:
        access_token = plaid.access_token()
        caller = Caller(plaid.credentials["client_id"], "sandbox")
        with session.begin():
            item = items_service.item_for_access_token(session, caller, access_token)
            assert (
                outbox.enqueue_webhook(
                    session,
                    item=item,
                    webhook_type="ITEM",
                    webhook_code="LOGIN_REPAIRED",
                    fields={"item_id": item.id},
                    now=clock.now(),
                )
                is None
            )
