"""/item/get's status.last_webhook: the Item's newest webhook that its receiver accepted, taken
from the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from gingham.clock import FrozenClock
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller
from tests.webhooks.conftest import delivery_log, linked_item
from tests.webhooks.receiver import Receiver

Deliver = Callable[..., None]


def fire(api: PlaidCaller, access_token: str, code: str) -> None:
    assert api.ok(
        "/sandbox/item/fire_webhook", {"access_token": access_token, "webhook_code": code}
    )


def last_webhook(api: PlaidCaller, access_token: str) -> dict[str, Any] | None:
    status: dict[str, Any] = api.ok("/item/get", {"access_token": access_token})["status"]
    return status["last_webhook"]


class TestLastWebhook:
    def test_null_until_a_webhook_is_delivered(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        assert last_webhook(api, access_token) is None

        fire(api, access_token, "LOGIN_REPAIRED")
        # Queued, not sent yet.
        assert last_webhook(api, access_token) is None

        deliver_due()

        assert last_webhook(api, access_token) == {
            "sent_at": format_datetime(clock.now()),
            "code_sent": "LOGIN_REPAIRED",
        }

    def test_the_newest_delivered_webhook_wins(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token, "LOGIN_REPAIRED")
        deliver_due()
        clock.advance(timedelta(minutes=5))
        # Acknowledged at the new URL, which is the same receiver.
        api.ok("/item/webhook/update", {"access_token": access_token, "webhook": receiver.url})
        deliver_due()

        assert last_webhook(api, access_token) == {
            "sent_at": format_datetime(clock.now()),
            "code_sent": "WEBHOOK_UPDATE_ACKNOWLEDGED",
        }

    def test_an_event_whose_deliveries_failed_does_not_count(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token, "LOGIN_REPAIRED")
        deliver_due()
        delivered_at = clock.now()
        clock.advance(timedelta(minutes=5))
        receiver.script[:] = [500]
        fire(api, access_token, "NEW_ACCOUNTS_AVAILABLE")
        deliver_due()

        newest = delivery_log(api)[0]
        assert newest["webhook_code"] == "NEW_ACCOUNTS_AVAILABLE"
        assert [a["status"] for a in newest["attempts"]] == ["failed", "pending"]
        assert last_webhook(api, access_token) == {
            "sent_at": format_datetime(delivered_at),
            "code_sent": "LOGIN_REPAIRED",
        }

    def test_sent_at_is_the_clients_sandbox_time(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        api.ok("/_gingham/clock/advance", {"by": "P3D"})
        fire(api, access_token, "LOGIN_REPAIRED")
        deliver_due()

        last = last_webhook(api, access_token)
        assert last is not None
        assert last["sent_at"] == format_datetime(clock.now() + timedelta(days=3))

    def test_other_items_webhooks_do_not_count(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        other_access_token, _ = linked_item(api, receiver.url)
        fire(api, other_access_token, "LOGIN_REPAIRED")
        deliver_due()

        assert last_webhook(api, access_token) is None
        assert last_webhook(api, other_access_token) is not None
