"""`gingham worker`: delivery in processes of its own, beside a `gingham serve` whose in-process
worker is off (GINGHAM_WORKER=0), as a PostgreSQL deployment runs it."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import (
    BACKENDS,
    create_api_client,
    empty_database,
    gingham_command,
    running_server,
    server_environment,
)
from tests.webhooks.receiver import Receiver, running_receiver

STOP_TIMEOUT_SECONDS = 15.0


class Gingham:
    def __init__(self, base_url: str, client_id: str, secret: str) -> None:
        self.base_url = base_url
        self.headers = {"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret}

    def ok(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(self.base_url + path, json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def fetch_key(self, kid: str) -> dict[str, Any]:
        key: dict[str, Any] = self.ok("/webhook_verification_key/get", {"key_id": kid})["key"]
        return key

    def item_with_webhook(self, url: str) -> str:
        public_token = self.ok(
            "/sandbox/public_token/create",
            {
                "institution_id": "ins_109508",
                "initial_products": ["transactions"],
                "options": {"webhook": url},
            },
        )["public_token"]
        access_token: str = self.ok("/item/public_token/exchange", {"public_token": public_token})[
            "access_token"
        ]
        return access_token

    def statuses(self, access_token: str) -> list[str]:
        item_id = self.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        events = self.ok("/_gingham/webhooks/list", {"item_id": item_id, "limit": 500})["events"]
        # ITEM webhooks only: the Item's transactions pulls send TRANSACTIONS ones as real time
        # passes.
        return [
            attempt["status"]
            for event in events
            if event["payload"]["webhook_type"] == "ITEM"
            for attempt in event["attempts"]
        ]


@pytest.fixture(scope="module", params=BACKENDS)
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Gingham, dict[str, str], Path]]:
    """`gingham serve` without its worker; the environment to start workers with."""
    with empty_database(request.param, tmp_path_factory) as database:
        environment = {
            **server_environment(database),
            "GINGHAM_WEBHOOK_RETRY": "compressed",
            "GINGHAM_WORKER": "0",
        }
        client_id, secret = create_api_client(environment, "workers")
        logs = tmp_path_factory.mktemp(f"gingham-workers-{request.param}")
        with running_server(environment, logs / "server.log") as server:
            yield Gingham(server.base_url, client_id, secret), environment, logs


@contextmanager
def worker_process(
    environment: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gingham_command("worker"),
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=STOP_TIMEOUT_SECONDS)


def wait_for_statuses(
    gingham: Gingham, access_token: str, expected: list[str], timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while (statuses := gingham.statuses(access_token)) != expected:
        assert time.monotonic() < deadline, Counter(statuses)
        time.sleep(0.1)


@pytest.fixture
def receiver(setup: tuple[Gingham, dict[str, str], Path]) -> Iterator[Receiver]:
    gingham, _, _ = setup
    with running_receiver(gingham.fetch_key) as running:
        yield running


class TestWorkerCommand:
    def test_serve_without_its_worker_queues_and_a_worker_delivers(
        self, setup: tuple[Gingham, dict[str, str], Path], receiver: Receiver
    ) -> None:
        gingham, environment, logs = setup
        access_token = gingham.item_with_webhook(receiver.url)
        gingham.ok("/sandbox/item/reset_login", {"access_token": access_token})
        assert gingham.statuses(access_token) == ["pending"]

        with worker_process(environment, logs / "worker.log") as worker:
            [delivery] = receiver.wait_for(1)
            wait_for_statuses(gingham, access_token, ["succeeded"])
            assert stop(worker) == 0

        assert delivery.verified
        assert delivery.payload["webhook_code"] == "ERROR"
        assert "Gingham webhook worker" in (logs / "worker.log").read_text()

    def test_two_workers_deliver_each_event_exactly_once(
        self, setup: tuple[Gingham, dict[str, str], Path], receiver: Receiver
    ) -> None:
        gingham, environment, logs = setup
        access_token = gingham.item_with_webhook(receiver.url)

        with ExitStack() as stack:
            workers = [
                stack.enter_context(worker_process(environment, logs / f"racer-{n}.log"))
                for n in range(2)
            ]
            for _ in range(50):
                gingham.ok(
                    "/sandbox/item/fire_webhook",
                    {"access_token": access_token, "webhook_code": "LOGIN_REPAIRED"},
                )
            receiver.wait_for(50, timeout=60)
            wait_for_statuses(gingham, access_token, ["succeeded"] * 50)
            # Stopped workers have finished every send they began.
            assert [stop(worker) for worker in workers] == [0, 0]

        seen = Counter(
            delivery.delivery_id
            for delivery in receiver.deliveries
            if delivery.payload["webhook_type"] == "ITEM"
        )
        assert len(seen) == 50 and set(seen.values()) == {1}
        assert all(delivery.verified for delivery in receiver.deliveries)
