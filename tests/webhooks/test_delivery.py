"""The delivery worker against a real receiver on loopback that verifies every delivery as
Plaid's docs say: signatures, retries, the delivery log, leases and concurrent workers."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.webhooks import leases, outbox, outcomes, signing
from gingham.webhooks.models import WebhookAttempt
from gingham.webhooks.retries import PLAID_RETRIES
from tests.builders import PlaidCaller
from tests.live_server import free_port
from tests.webhooks.conftest import (
    WorkerFactory,
    delivery_log,
    key_fetcher,
    linked_item,
    run_async,
)
from tests.webhooks.receiver import Receiver, Rejected, running_receiver

Deliver = Callable[..., None]


def fire(api: PlaidCaller, access_token: str, code: str = "SYNC_UPDATES_AVAILABLE") -> None:
    assert api.ok(
        "/sandbox/item/fire_webhook", {"access_token": access_token, "webhook_code": code}
    )


def statuses(api: PlaidCaller) -> list[list[str]]:
    return [[a["status"] for a in event["attempts"]] for event in delivery_log(api)]


class TestSignedDelivery:
    def test_delivery_is_verified_by_the_receiver(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        access_token, item_id = linked_item(api, receiver.url + "/plaid")
        fire(api, access_token)

        deliver_due()

        [delivery] = receiver.deliveries
        assert delivery.verified, delivery.rejection
        assert delivery.path == "/plaid"
        assert delivery.headers["content-type"] == "application/json"
        # Fired before the Item's transactions are pulled: neither update is complete yet.
        assert delivery.payload == {
            "webhook_type": "TRANSACTIONS",
            "webhook_code": "SYNC_UPDATES_AVAILABLE",
            "item_id": item_id,
            "initial_update_complete": False,
            "historical_update_complete": False,
            "environment": "sandbox",
        }
        [event] = delivery_log(api)
        assert delivery.headers["gingham-delivery-id"] == event["event_id"]
        assert delivery.headers["gingham-attempt"] == "1"
        assert event["attempts"][0]["status"] == "succeeded"
        assert event["attempts"][0]["response_status"] == 200

    def test_header_is_an_es256_jwt_with_the_body_hash_and_wall_clock_iat(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()

        [delivery] = receiver.deliveries
        token = delivery.headers["plaid-verification"]
        header = jwt.get_unverified_header(token)
        assert header["alg"] == "ES256" and header["typ"] == "JWT"
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["request_body_sha256"] == hashlib.sha256(delivery.body).hexdigest()
        # The sandbox clock stands at 2026-03-02; the token carries the real time.
        assert clock.now().year == 2026 and clock.now().month == 3
        assert abs(claims["iat"] - time.time()) < 60

    def test_tampered_body_is_rejected(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()
        [genuine] = receiver.deliveries

        tampered = genuine.body.replace(b'"historical_update_complete":false', b'"x":1')
        headers = {
            "Content-Type": "application/json",
            "Plaid-Verification": genuine.headers["plaid-verification"],
        }
        answer = httpx.post(receiver.url, content=tampered, headers=headers)

        assert answer.status_code == 400
        assert receiver.deliveries[-1].rejection == (
            "the body's SHA-256 does not match request_body_sha256"
        )

    def test_old_signature_is_rejected(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()
        [genuine] = receiver.deliveries
        issued = receiver.verify(genuine.headers, genuine.body)["iat"]

        with pytest.raises(Rejected, match="older than five minutes"):
            receiver.verify(genuine.headers, genuine.body, now=issued + 5 * 60 + 1)

    def test_item_without_webhook_sends_nothing(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        access_token, _ = linked_item(api, None)
        api.ok("/sandbox/item/reset_login", {"access_token": access_token})
        deliver_due()
        assert receiver.deliveries == []
        assert delivery_log(api) == []


class TestRetries:
    def test_two_failures_then_success_make_three_attempts(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
        clock: FrozenClock,
    ) -> None:
        receiver.script[:] = [500, 500]
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)

        deliver_due()
        assert statuses(api) == [["failed", "pending"]]
        clock.advance(timedelta(seconds=30))
        deliver_due()
        assert statuses(api) == [["failed", "failed", "pending"]]
        clock.advance(timedelta(minutes=2))
        deliver_due()

        [event] = delivery_log(api)
        assert [(a["attempt"], a["status"], a["response_status"]) for a in event["attempts"]] == [
            (1, "failed", 500),
            (2, "failed", 500),
            (3, "succeeded", 200),
        ]
        assert all(a["latency_ms"] is not None for a in event["attempts"])
        assert event["attempts"][0]["response_excerpt"] == '{"received": false}'
        assert [d.headers["gingham-attempt"] for d in receiver.deliveries] == ["1", "2", "3"]
        assert len({d.delivery_id for d in receiver.deliveries}) == 1
        assert all(d.verified for d in receiver.deliveries)

    def test_retry_is_not_sent_before_it_is_due(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        receiver.script[:] = [503]
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()

        clock.advance(timedelta(seconds=29))
        deliver_due()

        assert len(receiver.deliveries) == 1
        [event] = delivery_log(api)
        assert event["attempts"][1]["due_at"] == "2026-03-02T09:30:30.000Z"

    def test_gives_up_after_plaids_curve(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver, clock: FrozenClock
    ) -> None:
        receiver.script[:] = [500] * 10
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)

        deliver_due()
        for delay in PLAID_RETRIES.delays:
            clock.advance(delay)
            deliver_due()
        clock.advance(timedelta(hours=24))
        deliver_due()

        assert statuses(api) == [["failed"] * 6 + ["exhausted"]]
        assert len(receiver.deliveries) == 7

    def test_unreachable_receiver_is_a_failure_with_the_reason(
        self, api: PlaidCaller, deliver_due: Deliver
    ) -> None:
        access_token, _ = linked_item(api, f"http://127.0.0.1:{free_port()}/hook")
        fire(api, access_token)
        deliver_due()

        [event] = delivery_log(api)
        first = event["attempts"][0]
        assert (first["status"], first["response_status"]) == ("failed", None)
        assert first["error"].startswith("could not connect")

    def test_a_redirect_is_a_failure(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        receiver.script[:] = [307]
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()
        assert statuses(api) == [["failed", "pending"]]

    def test_a_sandbox_clock_jump_brings_retries_forward(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
    ) -> None:
        receiver.script[:] = [500]
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()

        with committed_sessions() as session, session.begin():
            moved = outbox.bring_forward(
                session, client_id=api.credentials["client_id"], by=timedelta(hours=1)
            )
        deliver_due()

        assert moved == 1
        assert statuses(api) == [["failed", "succeeded"]]


class TestRedelivery:
    def test_redeliver_sends_a_delivered_event_again(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()
        [event] = delivery_log(api)

        redelivered = api.ok("/_gingham/webhooks/redeliver", {"event_id": event["event_id"]})
        deliver_due()

        assert redelivered["attempt"]["attempt"] == 2
        assert statuses(api) == [["succeeded", "succeeded"]]
        first, second = receiver.deliveries
        assert first.body == second.body
        assert first.delivery_id == second.delivery_id == event["event_id"]
        assert second.headers["gingham-attempt"] == "2"

    def test_redeliver_makes_a_scheduled_retry_due_now(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        receiver.script[:] = [500]
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()
        [event] = delivery_log(api)

        api.ok("/_gingham/webhooks/redeliver", {"event_id": event["event_id"]})
        deliver_due()

        assert statuses(api) == [["failed", "succeeded"]]


class TestKeyRotation:
    def test_old_signatures_stay_verifiable_until_the_old_key_is_retired(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
        secrets: SecretBox,
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        deliver_due()
        with committed_sessions() as session, session.begin():
            new_kid = signing.rotate_signing_key(session, secrets, datetime.now(UTC))
        fire(api, access_token)
        deliver_due()

        before, after = receiver.deliveries
        assert before.verified and after.verified
        old_kid = jwt.get_unverified_header(before.headers["plaid-verification"])["kid"]
        assert jwt.get_unverified_header(after.headers["plaid-verification"])["kid"] == new_kid
        assert old_kid != new_kid
        # A receiver that fetches the old key after the rotation still verifies with it.
        receiver.forget_keys()
        issued = jwt.decode(
            before.headers["plaid-verification"], options={"verify_signature": False}
        )
        receiver.verify(before.headers, before.body, now=issued["iat"])
        assert receiver.key(old_kid)["expired_at"] is None

        with committed_sessions() as session, session.begin():
            assert signing.retire_signing_keys(session, datetime.now(UTC)) == []
            retired = signing.retire_signing_keys(
                session, datetime.now(UTC) + signing.RETIREMENT_GRACE + timedelta(seconds=1)
            )
        assert old_kid in retired and new_kid not in retired
        receiver.forget_keys()
        with pytest.raises(Rejected, match="expired"):
            receiver.verify(before.headers, before.body, now=issued["iat"])
        receiver.verify(after.headers, after.body)


class TestLeases:
    def test_a_crashed_workers_attempt_is_delivered_by_another(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        # A worker claims the attempt and dies before sending it: its lease ran out a minute ago.
        with committed_sessions() as session, session.begin():
            [claimed] = leases.claim_due_attempts(
                session,
                worker_id="crashed",
                now=clock.now(),
                wall_now=datetime.now(UTC) - timedelta(minutes=2),
                lease=timedelta(minutes=1),
                limit=10,
            )

        deliver_due(worker_id="survivor")

        [delivery] = receiver.deliveries
        assert delivery.verified and delivery.delivery_id == claimed.event_id
        with committed_sessions() as session:
            attempt = session.get(WebhookAttempt, claimed.attempt_id)
            assert attempt is not None
            assert (attempt.status, attempt.claimed_by) == ("succeeded", "survivor")
        # The dead worker's late word changes nothing.
        with committed_sessions() as session, session.begin():
            outcomes.record_outcomes(
                session,
                [outcomes.Outcome(claimed.attempt_id, False, datetime.now(UTC), 1.0, error="late")],
                worker_id="crashed",
                profile=PLAID_RETRIES,
                now=clock.now(),
            )
        assert statuses(api) == [["succeeded"]]

    def test_a_live_lease_is_not_taken_over(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        with committed_sessions() as session, session.begin():
            leases.claim_due_attempts(
                session,
                worker_id="busy",
                now=clock.now(),
                wall_now=datetime.now(UTC),
                lease=timedelta(minutes=1),
                limit=10,
            )

        deliver_due()

        assert receiver.deliveries == []
        assert statuses(api) == [["in_flight"]]


class TestConcurrentWorkers:
    def test_racing_workers_deliver_each_event_exactly_once(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        make_worker: WorkerFactory,
        committed_sessions: sessionmaker[Session],
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        for _ in range(50):
            fire(api, access_token)

        async def race() -> None:
            async with httpx.AsyncClient() as http:
                workers = [
                    make_worker(http, worker_id=name, max_in_flight=4, database_in_threads=True)
                    for name in ("left", "right")
                ]
                await asyncio.gather(*(worker.run_until_idle() for worker in workers))

        run_async(race)

        seen = Counter(delivery.delivery_id for delivery in receiver.deliveries)
        assert len(seen) == 50
        assert set(seen.values()) == {1}
        assert all(delivery.verified for delivery in receiver.deliveries)
        with committed_sessions() as session:
            attempts = session.scalars(select(WebhookAttempt)).all()
        assert len(attempts) == 50
        assert {(a.attempt, a.status) for a in attempts} == {(1, "succeeded")}


class TestInProcessWorker:
    def test_serve_delivers_right_after_the_commit(
        self, committed_settings: Settings, clock: FrozenClock, api: PlaidCaller
    ) -> None:
        # The app owns its database and runs its worker, as under `gingham serve`.
        app = create_app(committed_settings, clock=clock)
        with TestClient(app) as served:
            caller = PlaidCaller(served, api.credentials)
            with running_receiver(key_fetcher(caller)) as receiver:
                access_token, item_id = linked_item(caller, receiver.url)
                fire(caller, access_token, "LOGIN_REPAIRED")

                [delivery] = receiver.wait_for(1)

        assert delivery.verified
        assert delivery.payload == {
            "webhook_type": "ITEM",
            "webhook_code": "LOGIN_REPAIRED",
            "item_id": item_id,
            "environment": "sandbox",
        }


class TestLeaseRenewal:
    def test_a_slow_send_keeps_its_lease_and_is_not_sent_twice(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        make_worker: WorkerFactory,
    ) -> None:
        # The send takes two and a half leases' time; the sending worker renews its lease
        # meanwhile, so the other worker, looking all along, never takes the attempt over.
        receiver.delay = 5.0
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)

        async def both() -> None:
            async with httpx.AsyncClient() as http:
                sender = make_worker(
                    http, worker_id="sender", lease=timedelta(seconds=2), poll_interval=0.05
                )
                sending = asyncio.create_task(sender.run_until_idle())
                await asyncio.sleep(0.1)
                watcher = make_worker(http, worker_id="watcher", poll_interval=0.05)
                while not sending.done():
                    await watcher.run_until_idle()
                    await asyncio.sleep(0.05)
                await sending

        run_async(both)

        assert [d.delivery_id for d in receiver.deliveries] == [receiver.deliveries[0].delivery_id]
        assert statuses(api) == [["succeeded"]]

    def test_a_restarted_server_sends_what_its_dead_process_held_at_once(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        make_worker: WorkerFactory,
        committed_sessions: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        # A process of this host claimed the attempt, with a lease far from running out, and
        # was killed.
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        dead_worker = f"{socket.gethostname()[:32]}:{gone.pid}:0000dead"
        with committed_sessions() as session, session.begin():
            leases.claim_due_attempts(
                session,
                worker_id=dead_worker,
                now=clock.now(),
                wall_now=datetime.now(UTC),
                lease=timedelta(minutes=10),
                limit=10,
            )

        async def restart() -> None:
            async with httpx.AsyncClient() as http:
                worker = make_worker(http, worker_id=f"{socket.gethostname()[:32]}:1:restarted")
                running = asyncio.create_task(worker.run())
                await asyncio.to_thread(receiver.wait_for, 1)
                worker.stop()
                await running

        run_async(restart)
        assert statuses(api) == [["succeeded"]]

    def test_a_live_process_keeps_its_attempts(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        fire(api, access_token)
        alive_worker = f"{socket.gethostname()[:32]}:{os.getpid()}:00alive0"
        with committed_sessions() as session, session.begin():
            leases.claim_due_attempts(
                session,
                worker_id=alive_worker,
                now=clock.now(),
                wall_now=datetime.now(UTC),
                lease=timedelta(minutes=10),
                limit=10,
            )
            freed = leases.free_attempts_of_dead_workers(
                session,
                host=socket.gethostname()[:32],
                is_alive=lambda pid: pid == os.getpid(),
                wall_now=datetime.now(UTC),
            )
        assert freed == 0
        deliver_due()
        assert receiver.deliveries == []
