"""The bank app on the test database, a browser and Gingham's connector talking to it over HTTP."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.oauth_bank import service
from gingham.oauth_bank.connector import OAuthBankConnector
from gingham.oauth_bank.server import create_bank_app
from gingham.oauth_bank.service import ConnectorCredentials
from tests.oauth_bank.helpers import BANK_URL, REDIRECT_URI, BankBrowser, run_async


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on an event loop of their own, in a thread of their own.

    Not the anyio plugin's loop on the main thread: the browser tests' session-wide sync
    Playwright leaves its loop marked as running there, and a second loop cannot start beside it.
    """
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    run_async(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture
def secret_box(settings: Settings) -> SecretBox:
    return SecretBox(base64.urlsafe_b64decode(settings.secret_key))


@pytest.fixture
def bank_app(
    session_factory: sessionmaker[Session], clock: FrozenClock, secret_box: SecretBox
) -> Starlette:
    return create_bank_app(
        session_factory=session_factory, clock=clock, secrets=secret_box, public_url=BANK_URL
    )


@pytest.fixture
def connector_credentials(
    session_factory: sessionmaker[Session], clock: FrozenClock, secret_box: SecretBox
) -> ConnectorCredentials:
    with session_factory() as session, session.begin():
        return service.ensure_connector_client(
            session, [REDIRECT_URI], secrets=secret_box, now=clock.now()
        )


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BANK_URL)


@pytest.fixture
def http(bank_app: Starlette) -> Iterator[httpx.AsyncClient]:
    """Gingham's outbound HTTP client, routed to the bank app in-process."""
    client = _client(bank_app)
    yield client
    run_async(client.aclose())


@pytest.fixture
def browser(bank_app: Starlette) -> Iterator[BankBrowser]:
    client = _client(bank_app)
    yield BankBrowser(client)
    run_async(client.aclose())


@pytest.fixture
def connector(
    http: httpx.AsyncClient, connector_credentials: ConnectorCredentials, clock: FrozenClock
) -> OAuthBankConnector:
    return OAuthBankConnector(
        http,
        base_url=BANK_URL,
        client_id=connector_credentials.client_id,
        client_secret=connector_credentials.client_secret,
        clock=clock,
    )


@pytest.fixture
def other_client(
    session_factory: sessionmaker[Session], clock: FrozenClock
) -> ConnectorCredentials:
    """A second application registered with the bank, with the same redirect URI."""
    with session_factory() as session, session.begin():
        return service.register_client(
            session, name="Other app", redirect_uris=[REDIRECT_URI], now=clock.now()
        )
