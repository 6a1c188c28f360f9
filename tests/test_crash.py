"""kill -9 during mixed load: after a restart on the same database, every Item whose exchange was
answered still works, and every webhook whose request was answered is delivered, on both
databases. Whatever the server acknowledged had committed."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import (
    BACKENDS,
    create_api_client,
    empty_database,
    free_port,
    gingham_command,
    server_environment,
)
from tests.webhooks.receiver import Receiver, running_receiver

LOAD_SECONDS = 2.0
WORKERS = 4


class Load:
    """Clients linking Items and firing webhooks until the server dies under them; what the
    server acknowledged with a 200."""

    def __init__(self, base_url: str, headers: dict[str, str], webhook: str) -> None:
        self.base_url = base_url
        self.headers = headers
        self.webhook = webhook
        self.access_tokens: list[str] = []
        self.fired: dict[str, int] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=10) as http:
            while not self.stop.is_set():
                try:
                    self._one_round(http)
                except httpx.TransportError:
                    return  # the server is gone

    def _one_round(self, http: httpx.Client) -> None:
        public = http.post(
            "/sandbox/public_token/create",
            json={
                "institution_id": "ins_109508",
                "initial_products": ["auth"],
                "options": {"webhook": self.webhook},
            },
        )
        if public.status_code != 200:
            return
        exchanged = http.post(
            "/item/public_token/exchange", json={"public_token": public.json()["public_token"]}
        )
        if exchanged.status_code != 200:
            return
        access_token = exchanged.json()["access_token"]
        with self.lock:
            self.access_tokens.append(access_token)
        for _ in range(3):
            fired = http.post(
                "/sandbox/item/fire_webhook",
                json={"access_token": access_token, "webhook_code": "LOGIN_REPAIRED"},
            )
            if fired.status_code == 200:
                with self.lock:
                    self.fired[access_token] = self.fired.get(access_token, 0) + 1


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    with empty_database(request.param, tmp_path_factory) as found:
        yield server_environment(found)


def serve(environment: dict[str, str], log: Path, port: int) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            gingham_command("serve", "--port", str(port)),
            env={**environment, "GINGHAM_BANK_PORT": str(free_port())},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/_gingham/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_nothing_acknowledged_is_lost_to_kill_9(database: dict[str, str], tmp_path: Path) -> None:
    client_id, secret = create_api_client(database, "crash")
    headers = {"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret}
    log = tmp_path / "server.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"

    def fetch_key(kid: str) -> dict[str, Any]:
        answer = httpx.post(
            f"{base_url}/webhook_verification_key/get", json={"key_id": kid}, headers=headers
        )
        key: dict[str, Any] = answer.json()["key"]
        return key

    with running_receiver(fetch_key) as receiver:
        # A slow receiver keeps deliveries in flight when the server dies.
        receiver.delay = 0.2
        server = serve(database, log, port)
        wait_until(lambda: healthy(base_url), 30, "the server did not start")
        load = Load(base_url, headers, receiver.url)
        threads = [threading.Thread(target=load.run) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        server = serve(database, log, port)
        try:
            wait_until(lambda: healthy(base_url), 30, "the server did not restart")
            acknowledged = sum(load.fired.values())
            assert load.access_tokens and acknowledged, "the load did nothing before the kill"
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
                for access_token in load.access_tokens:
                    assert (
                        http.post("/item/get", json={"access_token": access_token}).status_code
                        == 200
                    )
                wait_until(
                    lambda: delivered_events(receiver) >= acknowledged,
                    60,
                    f"{delivered_events(receiver)} of {acknowledged} acknowledged webhooks arrived",
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def delivered_events(receiver: Receiver) -> int:
    return len(
        {
            delivery.delivery_id
            for delivery in receiver.deliveries
            if delivery.verified and delivery.payload["webhook_code"] == "LOGIN_REPAIRED"
        }
    )
