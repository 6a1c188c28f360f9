"""Item lifecycle tests: the app on a committed database (SQLite, and PostgreSQL as a second
leg) with the OAuth bank in-process, a loopback receiver verifying every webhook's signature,
and a delivery worker the test runs. Each test uses bank logins of its own, so that a change at
the bank reaches only the Items the test made."""

# Fixtures shared with the webhook tests are imported here; their names are parameters below.
# ruff: noqa: F811
from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.oauth_bank.server import create_bank_app
from tests.builders import PlaidCaller
from tests.oauth_bank.helpers import BankBrowser, run_async
from tests.webhooks.conftest import (  # noqa: F401  (fixtures)
    api,
    deliver_due,
    key_fetcher,
    make_worker,
    receiver,
    secrets,
)

BANK_URL = "http://bank.test"


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
    """A second API client: another app the same bank users link."""
    with committed_sessions() as session, session.begin():
        issued = clients_service.create_client(session, "Another app", clock.now())
    return PlaidCaller(app_client, {"client_id": issued.client_id, "secret": issued.secret})


@pytest.fixture
def bank_browser(bank_app: Starlette) -> Iterator[BankBrowser]:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=bank_app), base_url=BANK_URL)
    yield BankBrowser(http)
    run_async(http.aclose())


@pytest.fixture
def username() -> str:
    """A bank username no other test uses (OAuth banks accept any)."""
    return f"user-{uuid.uuid4().hex[:12]}"
