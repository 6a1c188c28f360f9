"""Compatibility wiring: a real `gingham serve` process per backend, driven by plaid-python.

Nothing here runs Gingham in-process. Each backend leg provisions an empty database, creates an API
client with `gingham client create --json`, starts `gingham serve` on a free port and waits for its
health check; the tests then talk to it over HTTP exactly as an application using Plaid's official
Python client would, with only the host changed.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import plaid
import pytest
import sqlalchemy as sa
from plaid.api import plaid_api
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest
from plaid.model.sandbox_public_token_create_request_options import (
    SandboxPublicTokenCreateRequestOptions,
)

from tests.conftest import POSTGRES_URL_VARIABLE, _postgres_unavailable, postgres_admin_url

BACKENDS = ("sqlite", "postgresql")
HEALTH_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 5.0
SANDBOX_INSTITUTION = "ins_109508"  # First Platypus Bank


class LiveGingham(NamedTuple):
    """A running `gingham serve` and the API client the tests use against it."""

    base_url: str
    client_id: str
    secret: str


class ServerProcess(NamedTuple):
    base_url: str
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


class LinkedItem(NamedTuple):
    access_token: str
    item_id: str


# --- Running the `gingham` command ------------------------------------------------------------


def gingham_command(*args: str) -> list[str]:
    """The installed `gingham` console script of this virtualenv, or the module if it is absent."""
    script = Path(sys.executable).parent / "gingham"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "gingham.cli", *args]


def server_environment(database: dict[str, str]) -> dict[str, str]:
    """This process's environment without any GINGHAM_* setting of the developer's, plus `database`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GINGHAM_")}
    environment.update(database)
    return environment


def create_api_client(environment: dict[str, str], name: str = "compat") -> tuple[str, str]:
    """`gingham client create --name NAME --json`: (client_id, secret)."""
    completed = subprocess.run(
        gingham_command("client", "create", "--name", name, "--json"),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"`gingham client create` exited with {completed.returncode}:\n"
            f"{completed.stdout}{completed.stderr}"
        )
    created = json.loads(completed.stdout)
    return created["client_id"], created["secret"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(environment: dict[str, str], log_path: Path) -> Iterator[ServerProcess]:
    """`gingham serve` on a free port, its output in `log_path`; stopped on exit."""
    port = free_port()
    server = ServerProcess(f"http://127.0.0.1:{port}", log_path)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gingham_command("serve", "--port", str(port)),
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
    if backend == "sqlite":
        yield {"GINGHAM_DATA_DIR": str(tmp_path_factory.mktemp("gingham-data"))}
        return
    admin_url = postgres_admin_url()
    problem = _postgres_unavailable(admin_url)
    if problem is not None:
        message = (
            f"PostgreSQL leg: no server at {admin_url} ({problem}); set {POSTGRES_URL_VARIABLE}"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run the PostgreSQL leg")
        pytest.skip(message)
    schema = f"gingham_compat_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in admin_url else "?"
        yield {"GINGHAM_DATABASE_URL": f"{admin_url}{separator}options=-csearch_path%3D{schema}"}
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


# --- plaid-python -----------------------------------------------------------------------------


def plaid_api_for(base_url: str, client_id: str, secret: str) -> plaid_api.PlaidApi:
    """Plaid's official client, pointed at `base_url` instead of sandbox.plaid.com."""
    configuration = plaid.Configuration(
        host=base_url, api_key={"clientId": client_id, "secret": secret}
    )
    return plaid_api.PlaidApi(plaid.ApiClient(configuration))


def close_plaid_api(api: plaid_api.PlaidApi) -> None:
    api.api_client.close()
    api.api_client.rest_client.pool_manager.clear()


def plaid_error(exc: plaid.ApiException) -> dict[str, Any]:
    """The Plaid error body of a failed call; every one must carry a request_id."""
    body: dict[str, Any] = json.loads(exc.body)
    assert isinstance(body.get("request_id"), str) and body["request_id"], body
    return body


def assert_plaid_error(
    exc: plaid.ApiException, *, status: int, error_type: str, error_code: str
) -> dict[str, Any]:
    body = plaid_error(exc)
    assert (exc.status, body["error_type"], body["error_code"]) == (
        status,
        error_type,
        error_code,
    ), body
    assert isinstance(body["error_message"], str) and body["error_message"]
    assert "display_message" in body
    return body


def sandbox_public_token(
    api: plaid_api.PlaidApi,
    *,
    products: tuple[str, ...] = ("transactions",),
    webhook: str | None = None,
    username: str = "user_good",
    password: str = "pass_good",
) -> str:
    options = SandboxPublicTokenCreateRequestOptions(
        override_username=username, override_password=password
    )
    if webhook is not None:
        options.webhook = webhook
    response = api.sandbox_public_token_create(
        SandboxPublicTokenCreateRequest(
            institution_id=SANDBOX_INSTITUTION,
            initial_products=[Products(product) for product in products],
            options=options,
        )
    )
    token: str = response.public_token
    return token


def link_item(api: plaid_api.PlaidApi, **options: Any) -> LinkedItem:
    public_token = sandbox_public_token(api, **options)
    response = api.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=public_token)
    )
    return LinkedItem(response.access_token, response.item_id)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session", params=BACKENDS)
def live_gingham(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveGingham]:
    """A `gingham serve` process on each backend in turn, with an API client made by the CLI."""
    with empty_database(request.param, tmp_path_factory) as database:
        environment = server_environment(database)
        client_id, secret = create_api_client(environment)
        log_path = tmp_path_factory.mktemp(f"gingham-{request.param}") / "server.log"
        with running_server(environment, log_path) as server:
            yield LiveGingham(server.base_url, client_id, secret)


@pytest.fixture
def plaid_factory(live_gingham: LiveGingham) -> Iterator[Callable[..., plaid_api.PlaidApi]]:
    """Makes plaid-python clients for the live server (its credentials unless told otherwise)."""
    made: list[plaid_api.PlaidApi] = []

    def make(client_id: str | None = None, secret: str | None = None) -> plaid_api.PlaidApi:
        api = plaid_api_for(
            live_gingham.base_url,
            client_id or live_gingham.client_id,
            secret or live_gingham.secret,
        )
        made.append(api)
        return api

    yield make
    for api in made:
        close_plaid_api(api)


@pytest.fixture
def plaid_client(plaid_factory: Callable[..., plaid_api.PlaidApi]) -> plaid_api.PlaidApi:
    return plaid_factory()


@pytest.fixture
def linked_item(plaid_client: plaid_api.PlaidApi) -> LinkedItem:
    """A new Item at First Platypus Bank with Transactions, made through the sandbox endpoint."""
    return link_item(plaid_client, webhook="https://app.example.com/plaid/webhook")


BANNER_LINE = re.compile(r"^\s*(PLAID_CLIENT_ID|PLAID_SECRET)=(\S+)\s*$", re.MULTILINE)


def banner_credentials(output: str) -> dict[str, str]:
    """The PLAID_CLIENT_ID / PLAID_SECRET lines `gingham serve` prints for a new client."""
    return dict(BANNER_LINE.findall(output))
