"""`gingham serve` as a user starts it: what it prints, one line per request, and a busy port."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gingham.wire.access_log import format_line
from tests.live_server import (
    ServerProcess,
    free_port,
    gingham_command,
    running_server,
    server_environment,
)

# Past uvicorn's default keep-alive of 5 s, well within Gingham's.
KEEP_ALIVE_TESTED_SECONDS = 6.5


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return server_environment({"GINGHAM_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def server(environment: dict[str, str], tmp_path: Path) -> Iterator[ServerProcess]:
    with running_server(environment, tmp_path / "server.log") as running:
        yield running


def post(server: ServerProcess, path: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{server.base_url}{path}", json=body, timeout=10)


class TestBanner:
    def test_names_each_listening_process_and_nothing_else(self, server: ServerProcess) -> None:
        output = server.output()
        assert re.search(r"API \(Plaid-compatible\): +" + re.escape(server.base_url), output)
        assert re.search(r"sandbox OAuth bank: +http://127\.0\.0\.1:\d+", output)
        assert "PLAID_CLIENT_ID=" in output and "PLAID_SECRET=" in output
        # No migration chatter or uvicorn start-up lines around it.
        for chatter in ("alembic", "Running upgrade", "Uvicorn running", "Started server process"):
            assert chatter not in output
        assert output.lstrip().startswith("Gingham ")

    def test_debug_brings_the_migrations_back(
        self, environment: dict[str, str], tmp_path: Path
    ) -> None:
        log = tmp_path / "debug.log"
        with running_server(environment, log, "--log-level", "debug") as server:
            assert "Running upgrade" in server.output()


class TestAccessLog:
    def test_one_line_per_request_with_the_request_id(self, server: ServerProcess) -> None:
        answer = post(server, "/institutions/get", {"count": 1, "offset": 0})
        request_id = answer.json()["request_id"]
        assert answer.status_code == 400  # no credentials
        lines = _eventually_lines(server, containing="/institutions/get")
        line = next(line for line in lines if "/institutions/get" in line)
        assert re.search(
            rf"POST /institutions/get 400 \d+\.\d ms {re.escape(request_id)}$", line
        ), line

    def test_quiet_logs_no_requests(self, environment: dict[str, str], tmp_path: Path) -> None:
        with running_server(environment, tmp_path / "quiet.log", "--quiet") as server:
            post(server, "/institutions/get", {})
            output = server.output()
        assert "/institutions/get" not in output
        assert "not logged (--quiet)" in output

    def test_static_files_are_left_out(self, server: ServerProcess) -> None:
        assert httpx.get(f"{server.base_url}/link/static/link.css").status_code == 200
        post(server, "/institutions/get", {})  # a line written after the static file's would be
        lines = _eventually_lines(server, containing="/institutions/get")
        assert not any("/link/static/" in line for line in lines)

    def test_line_format(self) -> None:
        assert format_line("POST", "/accounts/get", 200, 3.14159, "abc") == (
            "POST /accounts/get 200 3.1 ms abc"
        )
        assert format_line("GET", "/", 200, 2.0, None) == "GET / 200 2.0 ms"


class TestKeepAlive:
    def test_an_idle_connection_still_carries_the_next_request(self, server: ServerProcess) -> None:
        # Client pools (plaid-python's urllib3, node's keep-alive agent) reuse a connection
        # after an idle spell, such as an app's own slow step between two calls. A server that
        # closes it first races the next request, which then fails with "connection reset".
        # Idle past uvicorn's default keep-alive (5 s), the same connection still answers.
        host, port = server.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            assert _health_over(connection).startswith(b"HTTP/1.1 200")
            time.sleep(KEEP_ALIVE_TESTED_SECONDS)
            assert _health_over(connection).startswith(b"HTTP/1.1 200")


def _health_over(connection: socket.socket) -> bytes:
    """GET /_gingham/health on an open connection, keeping it open; the whole response, or
    b"" if the server had closed the connection."""
    connection.sendall(b"GET /_gingham/health HTTP/1.1\r\nHost: gingham\r\n\r\n")
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            return received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)[1])  # type: ignore[index]
    while len(body) < length:
        body += connection.recv(65536)
    return received


class TestBusyPort:
    @pytest.mark.parametrize("option", ["--port", "--bank-port"])
    def test_one_line_naming_the_port_and_exit_1(
        self, environment: dict[str, str], option: str
    ) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = taken.getsockname()[1]
            other = free_port()
            ports = {"--port": other, "--bank-port": other}
            ports[option] = busy
            completed = subprocess.run(
                gingham_command(
                    "serve",
                    "--port",
                    str(ports["--port"]),
                    "--bank-port",
                    str(ports["--bank-port"]),
                ),
                env=environment,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        assert completed.returncode == 1
        assert completed.stdout == ""
        assert completed.stderr.strip().splitlines() == [
            f"gingham: port {busy} ({'API' if option == '--port' else 'sandbox OAuth bank'}) "
            f"is already in use; choose another with {option} N"
        ]


def _eventually_lines(server: ServerProcess, containing: str = "") -> list[str]:
    """The server's output lines once one containing `containing` has been written (the line is
    written as the response finishes, so it may trail the response by a moment)."""
    import time

    deadline = time.monotonic() + 10
    while True:
        lines = server.output().splitlines()
        if any(containing in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)
