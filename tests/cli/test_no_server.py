"""With no server to reach, every command that talks to one says so in one line and exits 1,
creating no database where it runs; bad arguments get argparse's messages, never Python's."""

from __future__ import annotations

import http.server
import os
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.live_server import free_port

CREDENTIALS = ("--client-id", "client", "--secret", "secret")
SERVER_COMMANDS = [
    ("client", "create", "--name", "App"),
    ("client", "list"),
    ("client", "rotate-secret", *CREDENTIALS),
    ("client", "redirect-uri", "list", *CREDENTIALS),
    ("client", "android-package", "add", "com.example.app", *CREDENTIALS),
    ("items", "list", *CREDENTIALS),
    ("reset", "--yes", *CREDENTIALS),
    ("reset", "--all", "--yes"),
    ("clock", "show", *CREDENTIALS),
    ("clock", "advance", "--by", "P1D", *CREDENTIALS),
    (
        "bank",
        "change-password",
        "--institution",
        "ins_109508",
        "--username",
        "user_good",
        "--password",
        "n3w",
        *CREDENTIALS,
    ),
    ("bank", "revoke-consent", "--item", "item", *CREDENTIALS),
    ("bank", "reset"),
    ("logs", "tail", *CREDENTIALS),
    ("webhooks", "tail", *CREDENTIALS),
]
# (arguments, what argparse's message names)
BAD_ARGUMENTS = [
    ((), "the following arguments are required: command"),
    (("launch",), "invalid choice: 'launch'"),
    (("client",), "the following arguments are required: client_command"),
    (("client", "create"), "the following arguments are required: --name"),
    (("client", "list", "--yes"), "unrecognized arguments: --yes"),
    (("client", "rotate-secret", "--environment", "dev"), "invalid choice: 'dev'"),
    (("client", "redirect-uri", "add"), "the following arguments are required: URI"),
    (("client", "android-package", "drop", "x"), "invalid choice: 'drop'"),
    (("items",), "the following arguments are required: items_command"),
    (("items", "list", "extra"), "unrecognized arguments: extra"),
    (("reset", "--all", "now"), "unrecognized arguments: now"),
    (("clock", "advance"), "one of the arguments --by --to is required"),
    (("clock", "advance", "--by", "P1D", "--to", "2030-01-01T00:00:00Z"), "not allowed with"),
    (("bank", "set-status", "--institution", "ins_109508", "--status", "UP"), "invalid choice"),
    (
        ("bank", "migrate-to-oauth", "--institution", "i", "--window-days", "x"),
        "invalid int value: 'x'",
    ),
    (("bank", "reset", "--yes"), "unrecognized arguments: --yes"),
    (("logs", "tail", "--status", "bad"), "invalid int value: 'bad'"),
    (("serve", "--port", "http"), "invalid int value: 'http'"),
]


def run_in(cwd: Path, *args: str, url: str | None) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GINGHAM_", "PLAID_"))
    }
    if url is not None:
        environment["GINGHAM_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "gingham.cli", *args],
        env=environment,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("args", SERVER_COMMANDS, ids=" ".join)
def test_no_server_one_line_exit_1_and_no_database(args: tuple[str, ...], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_in(tmp_path, *args, url=url)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"gingham: no Gingham server at {url} — start one with `gingham serve`, or set "
        "GINGHAM_URL\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_url_that_is_not_http(tmp_path: Path) -> None:
    result = run_in(tmp_path, "client", "list", url="ftp://example.com")
    assert (result.returncode, result.stderr) == (
        1,
        "gingham: GINGHAM_URL is not an http(s) URL: ftp://example.com\n",
    )


def test_a_server_that_is_not_gingham(tmp_path: Path) -> None:
    with socketserver.TCPServer(("127.0.0.1", 0), NotGingham) as server:
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            result = run_in(tmp_path, "items", "list", *CREDENTIALS, url=url)
        finally:
            server.shutdown()
    assert (result.returncode, result.stderr) == (
        1,
        f"gingham: {url} answered HTTP 404, not as a Gingham server does (is GINGHAM_URL right?)\n",
    )


class NotGingham(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("args", "message"), BAD_ARGUMENTS, ids=lambda a: " ".join(a) if isinstance(a, tuple) else ""
)
def test_bad_arguments(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = run_in(tmp_path, *args, url=f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: gingham")
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "Namespace" not in result.stderr
    assert list(tmp_path.iterdir()) == []
