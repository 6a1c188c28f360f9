"""Advancing the clock with `wait_for_webhooks` (and `gingham clock advance --wait`): the answer
comes once the webhooks the advance made due have been sent, and says what became of them.

The app owns a committed database here, as under `gingham serve`, so its in-process worker
delivers, on real time, to a receiver on loopback that verifies every delivery.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.config import Settings
from gingham.sandbox_clock.timers import TimerContext
from gingham.sandbox_clock.timers import schedule_timer as schedule
from gingham.webhooks import outbox, waiting
from gingham.webhooks.models import WebhookAttempt
from tests.builders import PlaidCaller
from tests.conftest import TEST_SECRET_KEY
from tests.live_server import gingham_command, running_server, server_environment
from tests.webhooks.conftest import key_fetcher, run_async
from tests.webhooks.receiver import Receiver, running_receiver

TIMER_KIND = "test.wait.webhook"


def enqueue_for_timer(ctx: TimerContext) -> None:
    """Sends a webhook to the URL in the timer's payload, stamped with the client's time."""
    outbox.enqueue_event(
        ctx.session,
        client_id=ctx.client_id,
        environment="sandbox",
        item_id=None,
        url=ctx.timer.payload["url"],
        payload={"webhook_type": "TEST", "webhook_code": "TIMER_FIRED", "at": ctx.now.isoformat()},
        now=ctx.now,
    )


@pytest.fixture
def settings(committed_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=committed_url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path)


@pytest.fixture
def served(settings: Settings, committed_sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    """The app as `gingham serve` runs it: its own database, its worker, real time."""
    handlers = {TIMER_KIND: enqueue_for_timer}
    with TestClient(create_app(settings, extra_timer_handlers=handlers)) as client:
        yield client


@pytest.fixture
def api(served: TestClient, committed_sessions: sessionmaker[Session]) -> PlaidCaller:
    with committed_sessions() as session, session.begin():
        issued = clients_service.create_client(session, "Waiting app", datetime.now(UTC))
    return PlaidCaller(served, {"client_id": issued.client_id, "secret": issued.secret})


@pytest.fixture
def receiver(api: PlaidCaller) -> Iterator[Receiver]:
    with running_receiver(key_fetcher(api)) as running:
        yield running


def schedule_webhook_timer(
    committed_sessions: sessionmaker[Session], client_id: str, url: str, *, due_in: timedelta
) -> None:
    with committed_sessions() as session, session.begin():
        schedule(
            session,
            client_id,
            due_at=datetime.now(UTC) + due_in,
            kind=TIMER_KIND,
            payload={"url": url},
        )


def scheduled_retry(
    committed_sessions: sessionmaker[Session], client_id: str, url: str, *, due_in: timedelta
) -> str:
    """An event whose next attempt is a retry due `due_in` from now (real time); its id."""
    now = datetime.now(UTC)
    with committed_sessions() as session, session.begin():
        event_id = outbox.enqueue_event(
            session,
            client_id=client_id,
            environment="sandbox",
            item_id=None,
            url=url,
            payload={"webhook_type": "TEST", "webhook_code": "RETRIED"},
            now=now,
        )
        session.execute(
            update(WebhookAttempt)
            .where(WebhookAttempt.event_id == event_id)
            .values(due_at=now + due_in)
        )
    return event_id


class TestAdvanceWaitsForWebhooks:
    def test_a_webhook_enqueued_by_a_timer_has_arrived_when_the_answer_comes(
        self, api: PlaidCaller, receiver: Receiver, committed_sessions: sessionmaker[Session]
    ) -> None:
        client_id = api.credentials["client_id"]
        schedule_webhook_timer(
            committed_sessions, client_id, receiver.url + "/timer", due_in=timedelta(days=1)
        )

        advanced = api.ok("/_gingham/clock/advance", {"by": "P2D", "wait_for_webhooks": True})

        assert [fired["kind"] for fired in advanced["fired"]] == [TIMER_KIND]
        assert advanced["webhooks"] == {"delivered": 1, "failed": 0, "pending": 0}
        # Already there: no waiting on the receiver's side.
        [delivery] = receiver.deliveries
        assert delivery.verified, delivery.rejection
        assert delivery.path == "/timer"
        assert delivery.payload["webhook_code"] == "TIMER_FIRED"

    def test_a_refused_webhook_is_reported_failed_and_its_retry_not_waited_for(
        self, api: PlaidCaller, receiver: Receiver, committed_sessions: sessionmaker[Session]
    ) -> None:
        receiver.script[:] = [500]
        client_id = api.credentials["client_id"]
        schedule_webhook_timer(
            committed_sessions, client_id, receiver.url, due_in=timedelta(hours=1)
        )

        advanced = api.ok("/_gingham/clock/advance", {"by": "PT2H", "wait_for_webhooks": True})

        # Plaid's curve retries 30 s later in real time: not due when the advance committed.
        assert advanced["webhooks"] == {"delivered": 0, "failed": 1, "pending": 0}
        assert [d.answered for d in receiver.deliveries] == [500]

    def test_retries_the_advance_brings_forward_are_waited_for(
        self, api: PlaidCaller, receiver: Receiver, committed_sessions: sessionmaker[Session]
    ) -> None:
        client_id = api.credentials["client_id"]
        scheduled_retry(committed_sessions, client_id, receiver.url, due_in=timedelta(hours=1))
        scheduled_retry(committed_sessions, client_id, receiver.url, due_in=timedelta(days=2))

        advanced = api.ok("/_gingham/clock/advance", {"by": "PT2H", "wait_for_webhooks": True})

        # The one due within the skipped two hours; the other is still two days minus two hours off.
        assert advanced["webhooks"] == {"delivered": 1, "failed": 0, "pending": 0}
        assert [d.payload["webhook_code"] for d in receiver.deliveries] == ["RETRIED"]

    def test_other_clients_webhooks_are_not_waited_for(
        self, api: PlaidCaller, receiver: Receiver, committed_sessions: sessionmaker[Session]
    ) -> None:
        with committed_sessions() as session, session.begin():
            other = clients_service.create_client(session, "Other", datetime.now(UTC)).client_id
        scheduled_retry(committed_sessions, other, receiver.url, due_in=timedelta(seconds=-1))

        advanced = api.ok("/_gingham/clock/advance", {"by": "PT1H", "wait_for_webhooks": True})

        assert advanced["webhooks"] == {"delivered": 0, "failed": 0, "pending": 0}

    def test_without_the_flag_the_answer_says_nothing_of_webhooks(self, api: PlaidCaller) -> None:
        advanced = api.ok("/_gingham/clock/advance", {"by": "PT1H", "wait_for_webhooks": False})
        assert "webhooks" not in advanced

    def test_the_flag_must_be_a_boolean(self, api: PlaidCaller) -> None:
        error = api.error("/_gingham/clock/advance", {"by": "PT1H", "wait_for_webhooks": "yes"})
        assert error["error_code"] == "INVALID_FIELD"


class TestWaitForAttempts:
    def test_with_no_worker_it_gives_up_after_its_bound_and_reports_them_pending(
        self, committed_sessions: sessionmaker[Session], settings: Settings
    ) -> None:
        with committed_sessions() as session, session.begin():
            client_id = clients_service.create_client(
                session, "Nobody delivers", datetime.now(UTC)
            ).client_id
        scheduled_retry(
            committed_sessions, client_id, "http://127.0.0.1:9/", due_in=timedelta(seconds=-1)
        )
        with committed_sessions() as session, session.begin():
            due = outbox.unfinished_due_attempts(
                session, client_id=client_id, now=datetime.now(UTC)
            )

        tally = run_async(
            lambda: waiting.wait_for_attempts(
                committed_sessions, due, timeout=0.2, database_in_threads=not settings.is_sqlite
            )
        )

        assert tally == waiting.DeliveryTally(delivered=0, failed=0, pending=1)

    def test_nothing_to_wait_for_answers_at_once(
        self, committed_sessions: sessionmaker[Session]
    ) -> None:
        tally = run_async(lambda: waiting.wait_for_attempts(committed_sessions, [], timeout=60.0))
        assert tally == waiting.DeliveryTally(delivered=0, failed=0, pending=0)


class TestClockCommandWait:
    def test_advance_wait_prints_what_became_of_the_webhooks(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        committed_sessions: sessionmaker[Session],
        settings: Settings,
        tmp_path: Path,
    ) -> None:
        client_id = api.credentials["client_id"]
        scheduled_retry(
            committed_sessions, client_id, receiver.url + "/cli", due_in=timedelta(hours=1)
        )

        # The command asks a running server, which advances the clock; a worker (the served
        # app's or the server's, both on the same database) delivers, and the command waits.
        environment = server_environment(
            {
                "GINGHAM_DATABASE_URL": settings.database_url,
                "GINGHAM_DATA_DIR": str(tmp_path),
                "GINGHAM_SECRET_KEY": settings.secret_key,
            }
        )
        with running_server(environment, tmp_path / "server.log") as server:
            completed = subprocess.run(
                gingham_command(
                    *("clock", "advance", "--by", "PT2H", "--wait", "--json"),
                ),
                env={
                    **server_environment({}),
                    "GINGHAM_URL": server.base_url,
                    "PLAID_CLIENT_ID": client_id,
                    "PLAID_SECRET": api.credentials["secret"],
                },
                capture_output=True,
                text=True,
                timeout=90,
                check=False,
            )

        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout)["webhooks"] == {
            "delivered": 1,
            "failed": 0,
            "pending": 0,
        }
        assert [d.path for d in receiver.deliveries] == ["/cli"]
