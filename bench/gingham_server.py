"""A fresh database, an API client in it, and one `gingham serve` process on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy
from cpu_usage import BackendPids
from wrk_runner import BenchError

from gingham.cli.database import create_client as create_gingham_client
from gingham.cli.database import prepare_database
from gingham.config import Settings

GINGHAM = Path(sys.executable).parent / "gingham"
HOST = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HEALTH_TIMEOUT_S = 30.0

LINK_TOKEN_BODY = {
    "client_name": "Gingham bench",
    "language": "en",
    "country_codes": ["US"],
    "products": ["transactions"],
    "user": {"client_user_id": "bench-user"},
}
PUBLIC_TOKEN_BODY = {"institution_id": "ins_109508", "initial_products": ["transactions"]}


@dataclass(frozen=True, slots=True)
class Database:
    env: dict[str, str]  # GINGHAM_* variables that select it
    version: str
    backend_pids: BackendPids  # database server processes serving Gingham's connections


@dataclass(frozen=True, slots=True)
class Credentials:
    client_id: str
    secret: str

    def headers(self) -> dict[str, str]:
        return {"PLAID-CLIENT-ID": self.client_id, "PLAID-SECRET": self.secret}


@dataclass(frozen=True, slots=True)
class Server:
    base_url: str
    pid: int


# --- databases ------------------------------------------------------------------------------


def _no_backends() -> list[int]:
    return []


@contextlib.contextmanager
def sqlite_database() -> Iterator[Database]:
    """A fresh SQLite data directory, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="gingham-bench-") as data_dir:
        version = f"SQLite {sqlite3.sqlite_version} (WAL)"
        yield Database({"GINGHAM_DATA_DIR": data_dir}, version, _no_backends)


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@contextlib.contextmanager
def postgres_database() -> Iterator[Database]:
    """A fresh schema in GINGHAM_BENCH_POSTGRES_URL, dropped afterwards.

    The server connects with search_path set to the schema and an application_name that finds
    its backends in pg_stat_activity.
    """
    url = os.environ.get("GINGHAM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    schema = f"gingham_bench_{uuid.uuid4().hex[:12]}"
    server_url = _with_query(url, f"options=-csearch_path%3D{schema}&application_name={schema}")
    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")

    def backend_pids() -> list[int]:
        query = sqlalchemy.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")
        with engine.connect() as connection:
            return list(connection.execute(query, {"name": schema}).scalars())

    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar_one()
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            yield Database(
                {"GINGHAM_DATABASE_URL": server_url}, f"PostgreSQL {version}", backend_pids
            )
        finally:
            with engine.connect() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        engine.dispose()


def fresh_database(name: str) -> contextlib.AbstractContextManager[Database]:
    return postgres_database() if name == "postgresql" else sqlite_database()


# --- the server -----------------------------------------------------------------------------


def server_env(database: Database) -> dict[str, str]:
    """This process's environment without GINGHAM_* settings, plus the benchmark's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GINGHAM_")}
    return {
        **env,
        **database.env,
        "GINGHAM_HOST": HOST,
        "GINGHAM_LOG_LEVEL": "warning",
        "GINGHAM_ACCESS_LOG": "0",
    }


def create_client(env: Mapping[str, str]) -> Credentials:
    """A new API client in the database `env` names, migrated first. Made directly, as
    `gingham client create` needs a running server and the benchmark wants its client before
    the server starts (so that it makes no default one)."""
    settings = Settings.from_env(dict(env))
    prepare_database(settings)
    created = create_gingham_client(settings, "Gingham bench", only_if_none=False)
    if created is None:
        raise BenchError("could not create the benchmark's API client")
    return Credentials(created.client_id, created.secret)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_health(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gingham serve exited with {process.returncode} before answering")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/_gingham/health", timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    raise BenchError(f"gingham serve did not answer /_gingham/health within {HEALTH_TIMEOUT_S}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running_server(env: Mapping[str, str], log_path: Path, workers: int = 1) -> Iterator[Server]:
    """`gingham serve` (with `--workers N` above 1) on a free port, stopped when the block ends
    however it ends."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(GINGHAM), "serve", "--port", str(port), "--workers", str(workers)],
            # The bank's port of its own too: beside it (the default) may be taken.
            env={**env, "GINGHAM_BANK_PORT": str(free_port())},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://{HOST}:{port}"
        _wait_for_health(base_url, process)
        yield Server(base_url, process.pid)
    finally:
        _stop(process)


def server_log_problems(log_path: Path) -> list[str]:
    """Lines of the server log that report errors."""
    markers = ("Traceback", "ERROR", "unhandled error", "Exception")
    lines = log_path.read_text(errors="replace").splitlines()
    problems = [number for number, line in enumerate(lines) if any(m in line for m in markers)]
    if not problems:
        return []
    # The first report whole (a traceback's lines carry no marker), then the other lines.
    first = problems[0]
    return lines[first : first + 30] + [lines[number] for number in problems if number > first + 30]


# --- data prepared over plain HTTP ----------------------------------------------------------


def _post(client: httpx.Client, path: str, body: Mapping[str, object]) -> dict[str, object]:
    response = client.post(path, json=body)
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}: {response.text[:500]}")
    result: dict[str, object] = response.json()
    return result


def prepare_access_tokens(server: Server, credentials: Credentials, count: int) -> list[str]:
    """Link `count` Items (create + exchange) and return their access tokens."""
    tokens = []
    with httpx.Client(
        base_url=server.base_url, headers=credentials.headers(), timeout=30
    ) as client:
        for _ in range(count):
            created = _post(client, "/sandbox/public_token/create", PUBLIC_TOKEN_BODY)
            public_token = created["public_token"]
            exchanged = _post(client, "/item/public_token/exchange", {"public_token": public_token})
            tokens.append(str(exchanged["access_token"]))
    return tokens


def warm_up(server: Server, credentials: Credentials, access_token: str) -> None:
    """One request to each measured endpoint, so the first wrk run pays no first-call costs."""
    with httpx.Client(
        base_url=server.base_url, headers=credentials.headers(), timeout=30
    ) as client:
        _post(client, "/_gingham/health", {"ping": True})
        _post(client, "/link/token/create", LINK_TOKEN_BODY)
        _post(client, "/accounts/get", {"access_token": access_token})
