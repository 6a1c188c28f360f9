"""Webhook delivery tests run against a committed database (tests.committed: SQLite, and PostgreSQL
as a second leg), because the worker, the API and the receiver's key look-ups work on separate
connections at once, as they do in `gingham serve`. The app runs in-process without its own
worker; tests drive workers themselves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.webhooks.retries import PLAID_RETRIES
from gingham.webhooks.transport import HttpTransport
from gingham.webhooks.worker import DeliveryWorker
from tests.builders import PlaidCaller
from tests.conftest import TEST_SECRET_KEY
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def secrets(committed_settings: Settings) -> SecretBox:
    return SecretBox(load_or_create_key(TEST_SECRET_KEY, committed_settings.data_dir))


@pytest.fixture
def app_client(
    committed_settings: Settings,
    clock: FrozenClock,
    committed_sessions: sessionmaker[Session],
) -> Iterator[TestClient]:
    app = create_app(committed_settings, clock=clock, session_factory=committed_sessions)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def api(
    app_client: TestClient, committed_sessions: sessionmaker[Session], clock: FrozenClock
) -> PlaidCaller:
    with committed_sessions() as session, session.begin():
        issued = clients_service.create_client(session, "Webhook tests", clock.now())
    return PlaidCaller(app_client, {"client_id": issued.client_id, "secret": issued.secret})


def key_fetcher(api: PlaidCaller) -> Callable[[str], dict[str, Any]]:
    """Fetches a verification key the way a receiver does: /webhook_verification_key/get."""

    def fetch(kid: str) -> dict[str, Any]:
        key: dict[str, Any] = api.ok("/webhook_verification_key/get", {"key_id": kid})["key"]
        return key

    return fetch


@pytest.fixture
def receiver(api: PlaidCaller) -> Iterator[Receiver]:
    with running_receiver(key_fetcher(api)) as running:
        yield running


WorkerFactory = Callable[..., DeliveryWorker]


@pytest.fixture
def make_worker(
    committed_sessions: sessionmaker[Session],
    committed_settings: Settings,
    secrets: SecretBox,
    clock: FrozenClock,
) -> WorkerFactory:
    """Builds a worker on the committed database; `http` is the client it sends with."""

    def make(http: httpx.AsyncClient, **overrides: Any) -> DeliveryWorker:
        options: dict[str, Any] = {
            "session_factory": committed_sessions,
            "transport": HttpTransport(http),
            "secrets": secrets,
            "clock": clock,
            "profile": PLAID_RETRIES,
            "database_in_threads": not committed_settings.is_sqlite,
            **overrides,
        }
        return DeliveryWorker(**options)

    return make


T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to its end on an event loop of its own, in a thread of its own: the
    browser tests' Playwright keeps an event loop running on the main thread for the session."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(lambda: asyncio.run(make())).result()


@pytest.fixture
def deliver_due(make_worker: WorkerFactory) -> Callable[..., None]:
    """Runs one worker until nothing is due on the (frozen) sandbox clock or in flight."""

    def deliver(**overrides: Any) -> None:
        async def run() -> None:
            async with httpx.AsyncClient() as http:
                await make_worker(http, **overrides).run_until_idle()

        run_async(run)

    return deliver


def linked_item(api: PlaidCaller, webhook: str | None, **overrides: Any) -> tuple[str, str]:
    """A new Item with `webhook`: (access_token, item_id)."""
    options = {"webhook": webhook} if webhook else {}
    exchanged = api.ok(
        "/item/public_token/exchange",
        {"public_token": api.public_token(options=options, **overrides)},
    )
    return exchanged["access_token"], exchanged["item_id"]


def delivery_log(api: PlaidCaller, **body: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = api.ok("/_gingham/webhooks/list", body)["events"]
    return events
