"""Bank simulation tests that follow Items over time run the app on a committed database
(SQLite, and PostgreSQL as a second leg) with the OAuth bank in-process, a loopback receiver
verifying every webhook's signature, and a delivery worker the test runs. A change to an
institution reaches every Item there, so each such test starts with no Items and no institution
changes, and leaves none behind."""

# Fixtures shared with the webhook tests are imported here; their names are parameters below.
# ruff: noqa: F811
from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.institutions.models import InstitutionState
from gingham.items.models import Item
from gingham.oauth_bank.server import create_bank_app
from gingham.sandbox_clock.models import SandboxTimer
from tests.builders import PlaidCaller
from tests.oauth_bank.helpers import BankBrowser, run_async
from tests.webhooks.conftest import (  # noqa: F401  (fixtures)
    api,
    committed_engine,
    committed_sessions,
    committed_settings,
    committed_url,
    deliver_due,
    make_worker,
    receiver,
    secrets,
)

BANK_URL = "http://bank.test"


@pytest.fixture
def fresh_banks(committed_sessions: sessionmaker[Session]) -> Iterator[None]:
    """No Items, timers or institution changes before or after the test."""

    def clear() -> None:
        with committed_sessions() as session, session.begin():
            session.execute(delete(SandboxTimer))
            session.execute(delete(Item))
            session.execute(delete(InstitutionState))

    clear()
    yield
    clear()


@pytest.fixture
def bank_app(
    committed_sessions: sessionmaker[Session], clock: FrozenClock, secrets: SecretBox
) -> Starlette:
    return create_bank_app(
        session_factory=committed_sessions, clock=clock, secrets=secrets, public_url=BANK_URL
    )


@pytest.fixture
def app_client(
    committed_settings: Settings,
    clock: FrozenClock,
    committed_sessions: sessionmaker[Session],
    bank_app: Starlette,
    fresh_banks: None,
) -> Iterator[TestClient]:
    """Gingham, reaching the OAuth bank in-process."""
    bank_http = httpx.AsyncClient(transport=httpx.ASGITransport(app=bank_app), base_url=BANK_URL)
    app = create_app(
        dataclasses.replace(committed_settings, bank_public_url=BANK_URL),
        clock=clock,
        session_factory=committed_sessions,
        bank_http=bank_http,
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    run_async(bank_http.aclose())


@pytest.fixture
def other_api(
    app_client: TestClient, committed_sessions: sessionmaker[Session], clock: FrozenClock
) -> PlaidCaller:
    """A second API client, on a sandbox clock of its own."""
    with committed_sessions() as session, session.begin():
        issued = clients_service.create_client(session, "Another app", clock.now())
    return PlaidCaller(app_client, {"client_id": issued.client_id, "secret": issued.secret})


@pytest.fixture
def bank_browser(bank_app: Starlette) -> Iterator[BankBrowser]:
    """A user's browser at the OAuth bank (and Gingham's discovery requests to it)."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=bank_app), base_url=BANK_URL)
    yield BankBrowser(http)
    run_async(http.aclose())
