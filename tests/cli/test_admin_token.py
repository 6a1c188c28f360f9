"""The admin commands from beyond loopback, as from a container's host: refused without the
server's GINGHAM_ADMIN_TOKEN, answered with it (sent by the command from its environment)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import ServerProcess, empty_database, running_server, server_environment

TOKEN = "a-long-random-admin-token-for-tests"


def outward_address() -> str | None:
    """This machine's address on its network (not loopback), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # No packet is sent: connecting a UDP socket only picks the route.
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    if outward_address() is None:
        pytest.skip("this machine has no address beyond loopback")
    # Who may call is decided before any database work: one database is enough here.
    with empty_database("sqlite", tmp_path_factory) as database:
        environment = {**server_environment(database), "GINGHAM_ADMIN_TOKEN": TOKEN}
        log = tmp_path_factory.mktemp("admin-token") / "server.log"
        with running_server(environment, log, "--host", "0.0.0.0") as served:
            yield served


def gingham(
    server: ServerProcess, tmp_path: Path, *args: str, token: str | None
) -> subprocess.CompletedProcess[str]:
    port = server.base_url.rsplit(":", 1)[1]
    environment = {"PATH": "/usr/bin:/bin", "GINGHAM_URL": f"http://{outward_address()}:{port}"}
    if token is not None:
        environment["GINGHAM_ADMIN_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "gingham.cli", *args],
        env=environment,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestFromBeyondLoopback:
    def test_refused_without_the_token(self, server: ServerProcess, tmp_path: Path) -> None:
        result = gingham(server, tmp_path, "client", "list", token=None)
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        assert "refused: ADMIN_TOKEN_REQUIRED: " in result.stderr
        assert "GINGHAM_ADMIN_TOKEN" in result.stderr

    def test_refused_with_a_wrong_token(self, server: ServerProcess, tmp_path: Path) -> None:
        result = gingham(server, tmp_path, "client", "create", "--name", "X", token="guess")
        assert result.returncode == 1 and "INVALID_ADMIN_TOKEN" in result.stderr

    def test_answered_with_the_token(self, server: ServerProcess, tmp_path: Path) -> None:
        created = gingham(server, tmp_path, "client", "create", "--name", "Far", token=TOKEN)
        assert created.returncode == 0, created.stderr
        listed = gingham(server, tmp_path, "client", "list", token=TOKEN)
        assert listed.returncode == 0 and "  Far  created " in listed.stdout
        assert list(tmp_path.iterdir()) == []
