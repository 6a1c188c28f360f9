"""A real `gingham serve` process for the suites that must not run Gingham in-process.

The compatibility suite (plaid-python) and the browser suite (Chromium) both talk to Gingham over
HTTP exactly as an application would. Each gets an empty database, an API client made in it,
and a server on a free port whose health check has answered.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from gingham.cli.database import create_client, prepare_database
from gingham.config import Settings
from tests.conftest import fresh_postgres_schema, require_postgres

BACKENDS = ("sqlite", "postgresql")
HEALTH_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 5.0


class LiveGingham(NamedTuple):
    """A running `gingham serve` and the API client the tests use against it."""

    base_url: str
    client_id: str
    secret: str
    # How many API processes answer (`gingham serve --workers N`).
    processes: int = 1


class ServerProcess(NamedTuple):
    base_url: str
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


# --- Running the `gingham` command ------------------------------------------------------------


def gingham_command(*args: str) -> list[str]:
    """The installed `gingham` console script of this virtualenv, or the module if it is absent."""
    script = Path(sys.executable).parent / "gingham"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "gingham.cli", *args]


def server_environment(database: dict[str, str]) -> dict[str, str]:
    """This process's environment without any GINGHAM_* setting of the developer's, plus `database`
    (which always names a data directory of its own, where the server keeps its key file)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GINGHAM_")}
    environment.update(database)
    return environment


def create_api_client(environment: dict[str, str], name: str = "compat") -> tuple[str, str]:
    """A new API client in the database `environment` names, migrated first: (client_id,
    secret). Made directly, as `gingham client create` needs a running server and most suites
    want their client before the server starts (so that it makes no default one)."""
    settings = Settings.from_env(environment)
    prepare_database(settings)
    created = create_client(settings, name, only_if_none=False)
    assert created is not None
    return created.client_id, created.secret


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# Health checks made, at most, to see every API process of `gingham serve --workers N` answer.
MAX_PROBES = 500


def answering_pids(base_url: str, processes: int) -> set[int]:
    """The pids of the API processes that answer health checks, each on a connection of its
    own, probing until `processes` have answered (or MAX_PROBES checks). The processes share one
    listening socket and the kernel gives each new connection to whichever accepts it first, so
    a few checks in a row may all reach one of them."""
    pids: set[int] = set()
    for _ in range(MAX_PROBES):
        pids.add(httpx.get(f"{base_url}/_gingham/health", timeout=10).json()["pid"])
        if len(pids) >= processes:
            break
    return pids


@contextmanager
def running_server(
    environment: dict[str, str], log_path: Path, *options: str
) -> Iterator[ServerProcess]:
    """`gingham serve` on a free port with `options`, its output in `log_path`; stopped on exit."""
    port = free_port()
    environment = {**environment, "GINGHAM_BANK_PORT": str(free_port())}
    server = ServerProcess(f"http://127.0.0.1:{port}", log_path)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gingham_command("serve", "--port", str(port), *options),
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, server)
        yield server
    finally:
        _stop(process)


def _wait_until_healthy(process: subprocess.Popen[bytes], server: ServerProcess) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"`gingham serve` exited with {process.returncode} before answering; "
                    f"its output:\n{server.output()}"
                )
            try:
                if http.get(f"{server.base_url}/_gingham/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    pytest.fail(
        f"`gingham serve` did not answer GET /_gingham/health with 200 within "
        f"{HEALTH_TIMEOUT_SECONDS:.0f} s; its output:\n{server.output()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


# --- Databases --------------------------------------------------------------------------------


@contextmanager
def empty_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """The GINGHAM_* variables that point a `gingham` process at a new, empty database.

    SQLite: a fresh data directory (the database is its gingham.db). PostgreSQL: a schema of its
    own in the server tests/conftest.py uses, dropped afterwards; skipped when no server answers,
    except under CI, where that is a failure.
    """
    data_dir = str(tmp_path_factory.mktemp("gingham-data"))
    if backend == "sqlite":
        yield {"GINGHAM_DATA_DIR": data_dir}
        return
    admin_url = require_postgres()
    with fresh_postgres_schema(admin_url, "gingham_live") as url:
        yield {"GINGHAM_DATA_DIR": data_dir, "GINGHAM_DATABASE_URL": url}


@contextmanager
def live_gingham_on(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    client_name: str = "tests",
    processes: int = 1,
) -> Iterator[LiveGingham]:
    """A `gingham serve` process on an empty database of `backend`, with an API client; with
    `processes` above 1, `gingham serve --workers N` (PostgreSQL only)."""
    with empty_database(backend, tmp_path_factory) as database:
        environment = server_environment(database)
        client_id, secret = create_api_client(environment, client_name)
        log_path = tmp_path_factory.mktemp(f"gingham-{backend}") / "server.log"
        options = ("--workers", str(processes)) if processes > 1 else ()
        with running_server(environment, log_path, *options) as server:
            yield LiveGingham(server.base_url, client_id, secret, processes)
