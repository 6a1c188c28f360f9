"""`gingham logs tail` and `gingham webhooks tail` as real processes against a real `gingham
serve`: lines appear while requests and webhooks happen.

The server refuses webhooks to private addresses (GINGHAM_WEBHOOK_PRIVATE_ADDRESSES=0), as a
shared server would; the inbox is Gingham's own, so its webhooks arrive all the same."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.live_server import (
    BACKENDS,
    LiveGingham,
    create_api_client,
    empty_database,
    free_port,
    gingham_command,
    running_server,
    server_environment,
)

# Long enough for a slow machine; each wait ends as soon as its line arrives.
LINE_TIMEOUT_SECONDS = 30.0


@pytest.fixture(scope="module", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveGingham]:
    with empty_database(request.param, tmp_path_factory) as database:
        environment = {**server_environment(database), "GINGHAM_WEBHOOK_PRIVATE_ADDRESSES": "0"}
        client_id, secret = create_api_client(environment, "tail")
        log_path = tmp_path_factory.mktemp(f"tail-{request.param}") / "server.log"
        with running_server(environment, log_path) as server:
            yield LiveGingham(server.base_url, client_id, secret)


class Lines:
    """A stream's lines as they arrive, read by a thread of their own."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                self._lines.put(line.rstrip("\n"))

    def close(self) -> None:
        """Once the process has ended: the rest of the stream read, and the stream closed."""
        self._reader.join(timeout=10)

    def wait_for(self, text: str) -> str:
        """The first line (from here on) containing `text`."""
        while True:
            try:
                line = self._lines.get(timeout=LINE_TIMEOUT_SECONDS)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}; lines so far: {self.seen}") from None
            self.seen.append(line)
            if text in line:
                return line


@contextmanager
def tailing(live: LiveGingham, *args: str) -> Iterator[tuple[Lines, Lines]]:
    """`gingham <args>` running against `live`: its (stdout, stderr) lines, once it is ready."""
    environment = {
        **server_environment({}),
        "GINGHAM_URL": live.base_url,
        "PLAID_CLIENT_ID": live.client_id,
        "PLAID_SECRET": live.secret,
    }
    process = subprocess.Popen(
        gingham_command(*args),
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None and process.stderr is not None
    out, err = Lines(process.stdout), Lines(process.stderr)
    try:
        err.wait_for("Ready!")
        yield out, err
    finally:
        process.terminate()
        process.wait(timeout=10)
        out.close()
        err.close()


def call(live: LiveGingham, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        live.base_url + path,
        json=body,
        headers={"PLAID-CLIENT-ID": live.client_id, "PLAID-SECRET": live.secret},
        timeout=30,
    )


LINK_TOKEN = {
    "client_name": "Tail",
    "language": "en",
    "country_codes": ["US"],
    "products": ["auth"],
    "user": {"client_user_id": "tail-user"},
}


class TestLogsTail:
    def test_requests_stream_as_they_happen(self, live: LiveGingham) -> None:
        with tailing(live, "logs", "tail") as (out, _):
            first = call(live, "/link/token/create", LINK_TOKEN).json()["request_id"]
            line = out.wait_for(first)
            assert "POST /link/token/create  200" in line and " ms " in line
            failed = call(live, "/item/get", {"access_token": "nonsense"}).json()
            line = out.wait_for(failed["request_id"])
            assert "POST /item/get  400" in line and failed["error_code"] in line

    def test_json_lines(self, live: LiveGingham) -> None:
        with tailing(live, "logs", "tail", "--json") as (out, _):
            created = call(live, "/link/token/create", LINK_TOKEN).json()
            entry = json.loads(out.wait_for(created["request_id"]))
            assert entry["endpoint"] == "/link/token/create"
            assert entry["status"] == 200
            assert created["link_token"] not in json.dumps(entry)


class TestWebhooksTail:
    def test_webhooks_stream_as_they_arrive_verified(self, live: LiveGingham) -> None:
        with tailing(live, "webhooks", "tail") as (out, err):
            inbox = err.seen[0].removeprefix("Webhook inbox: ")
            assert inbox.startswith(live.base_url + "/_gingham/webhook_inbox/")
            public_token = call(
                live,
                "/sandbox/public_token/create",
                {
                    "institution_id": "ins_109508",
                    "initial_products": ["auth"],
                    "options": {"webhook": inbox},
                },
            ).json()["public_token"]
            exchanged = call(live, "/item/public_token/exchange", {"public_token": public_token})
            access_token = exchanged.json()["access_token"]
            fired = call(
                live,
                "/sandbox/item/fire_webhook",
                {"access_token": access_token, "webhook_code": "NEW_ACCOUNTS_AVAILABLE"},
            )
            assert fired.status_code == 200, fired.text
            line = out.wait_for("NEW_ACCOUNTS_AVAILABLE")
            assert line.endswith("verified") and exchanged.json()["item_id"] in line


class TestNoServer:
    @pytest.mark.parametrize("command", [("logs", "tail"), ("webhooks", "tail")])
    def test_one_line_and_exit_1(self, command: tuple[str, ...], tmp_path: Path) -> None:
        completed = subprocess.run(
            gingham_command(*command, "--client-id", "c", "--secret", "s"),
            env={**server_environment({}), "GINGHAM_URL": f"http://127.0.0.1:{free_port()}"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 1
        assert completed.stdout == ""
        assert completed.stderr.count("\n") == 1
        assert "no Gingham server at http://127.0.0.1:" in completed.stderr

    def test_wrong_credentials_are_one_line(self, live: LiveGingham) -> None:
        completed = subprocess.run(
            gingham_command("logs", "tail", "--client-id", live.client_id, "--secret", "0" * 30),
            env={**server_environment({}), "GINGHAM_URL": live.base_url},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 1
        assert completed.stderr.count("\n") == 1
        assert "INVALID_API_KEYS" in completed.stderr


class TestServerStops:
    def test_a_connected_tail_does_not_hold_the_server_up(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        """uvicorn waits for open responses before it stops; the streams end when it begins to,
        and the tail says the server closed the stream."""
        with empty_database("sqlite", tmp_path_factory) as database:
            environment = server_environment(database)
            client_id, secret = create_api_client(environment, "stop")
            port = free_port()
            log_path = tmp_path_factory.mktemp("stop") / "server.log"
            with log_path.open("wb") as log:
                server = subprocess.Popen(
                    gingham_command("serve", "--port", str(port)),
                    env={**environment, "GINGHAM_BANK_PORT": str(free_port())},
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            try:
                live = LiveGingham(f"http://127.0.0.1:{port}", client_id, secret)
                _wait_until_answering(live)
                with tailing(live, "logs", "tail") as (_, err):
                    server.terminate()
                    # A hang guard, not a measurement: held up, it would never stop. It stops
                    # as SIGTERM stops it.
                    assert server.wait(timeout=LINE_TIMEOUT_SECONDS) in (0, -signal.SIGTERM)
                    err.wait_for("closed the stream")
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()


def _wait_until_answering(live: LiveGingham) -> None:
    for _ in range(300):
        try:
            if httpx.get(live.base_url + "/_gingham/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        threading.Event().wait(0.1)
    raise AssertionError("the server did not answer")
