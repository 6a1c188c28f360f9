"""`gingham serve --workers N`: the API from N processes sharing one port and one PostgreSQL
database; every process answers, webhooks go out once, and one signal stops them all. SQLite
refuses more than one process."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from tests.live_server import (
    HEALTH_TIMEOUT_SECONDS,
    answering_pids,
    create_api_client,
    empty_database,
    free_port,
    gingham_command,
    server_environment,
)
from tests.webhooks.receiver import running_receiver

STOP_TIMEOUT_SECONDS = 40.0


class Workers(NamedTuple):
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    headers: dict[str, str]

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def ok(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        # A new connection per request (httpx.post), so requests spread over the processes.
        response = httpx.post(self.base_url + path, json=body, headers=self.headers, timeout=30)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def pids(self, processes: int = 2) -> set[int]:
        return answering_pids(self.base_url, processes)


@contextmanager
def serving_with_workers(
    environment: dict[str, str], log_path: Path, workers: int
) -> Iterator[Workers]:
    """`gingham serve --workers N` in a session of its own (so that a test can send its process
    group the Ctrl-C a terminal would)."""
    client_id, secret = create_api_client(environment, "workers")
    port = free_port()
    environment = {**environment, "GINGHAM_BANK_PORT": str(free_port())}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gingham_command("serve", "--port", str(port), "--workers", str(workers)),
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Workers(
        process,
        f"http://127.0.0.1:{port}",
        log_path,
        {"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret},
    )
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_healthy(server: Workers) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.output()
        try:
            if httpx.get(f"{server.base_url}/_gingham/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"no answer within {HEALTH_TIMEOUT_SECONDS:.0f} s:\n{server.output()}")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def postgres_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with empty_database("postgresql", tmp_path_factory) as database:
        yield {**server_environment(database), "GINGHAM_WEBHOOK_RETRY": "compressed"}


class TestTwoProcesses:
    @pytest.mark.parametrize("stop_with", ["SIGTERM", "Ctrl-C"])
    def test_both_answer_and_one_signal_stops_them_all(
        self, postgres_environment: dict[str, str], tmp_path: Path, stop_with: str
    ) -> None:
        with serving_with_workers(postgres_environment, tmp_path / "serve.log", 2) as server:
            pids = server.pids()
            assert len(pids) == 2 and server.process.pid not in pids
            assert "2 API processes on one port" in server.output()
            if stop_with == "SIGTERM":
                server.process.send_signal(signal.SIGTERM)
            else:
                # A terminal's Ctrl-C: SIGINT to the whole foreground process group.
                os.killpg(server.process.pid, signal.SIGINT)
            assert server.process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
            assert all(gone(pid) for pid in pids)
        # Each process ended its lifespan: its webhook worker stopped as it should.
        assert server.output().count("webhook worker") == 2, server.output()

    def test_each_webhook_is_delivered_once(
        self, postgres_environment: dict[str, str], tmp_path: Path
    ) -> None:
        with serving_with_workers(postgres_environment, tmp_path / "serve.log", 2) as server:
            with running_receiver(
                lambda kid: server.ok("/webhook_verification_key/get", {"key_id": kid})["key"]
            ) as receiver:
                public_token = server.ok(
                    "/sandbox/public_token/create",
                    {
                        "institution_id": "ins_109508",
                        "initial_products": ["auth"],
                        "options": {"webhook": receiver.url},
                    },
                )["public_token"]
                access_token = server.ok(
                    "/item/public_token/exchange", {"public_token": public_token}
                )["access_token"]
                # Fired through both processes; each wakes its own worker, and both workers
                # look for due webhooks.
                for _ in range(40):
                    server.ok(
                        "/sandbox/item/fire_webhook",
                        {"access_token": access_token, "webhook_code": "LOGIN_REPAIRED"},
                    )
                receiver.wait_for(40, timeout=60)
                server.process.send_signal(signal.SIGTERM)
                assert server.process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
            repaired = Counter(
                delivery.delivery_id
                for delivery in receiver.deliveries
                if delivery.payload.get("webhook_code") == "LOGIN_REPAIRED"
            )
            assert len(repaired) == 40 and set(repaired.values()) == {1}
            assert all(delivery.verified for delivery in receiver.deliveries)


class TestSQLite:
    def test_more_than_one_process_is_refused_in_one_line(self, tmp_path: Path) -> None:
        environment = server_environment({"GINGHAM_DATA_DIR": str(tmp_path / "data")})
        completed = subprocess.run(
            gingham_command("serve", "--port", str(free_port()), "--workers", "2"),
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 2
        assert completed.stdout == ""
        [line] = completed.stderr.strip().splitlines()
        assert line.startswith("gingham: --workers (GINGHAM_WORKERS) above 1 needs PostgreSQL")
