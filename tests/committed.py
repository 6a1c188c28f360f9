"""A committed database: for tests whose work runs on several connections at once, as under
`gingham serve` (a delivery worker, a timer loop, the app owning its database, a receiver
fetching keys), so that a rolled-back transaction cannot hold it. One per test module and
backend (SQLite, and PostgreSQL as a second leg); what a test leaves in the outbox and the timer
table is deleted after it. Registered for every test by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from gingham.config import Settings
from gingham.db import make_engine, make_session_factory
from gingham.sandbox_clock.models import SandboxTimer
from gingham.webhooks.models import WebhookAttempt, WebhookEvent
from tests.conftest import TEST_SECRET_KEY, migrated_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def committed_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A freshly migrated database whose transactions really commit, per backend."""
    with migrated_database(request.param, tmp_path_factory, "gingham_committed") as url:
        yield url


@pytest.fixture(scope="module")
def committed_engine(committed_url: str) -> Iterator[Engine]:
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


@pytest.fixture
def committed_sessions(committed_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on the committed database; each test starts with an empty outbox and no
    timers."""
    factory = make_session_factory(committed_engine)
    yield factory
    with factory() as session, session.begin():
        session.execute(delete(WebhookAttempt))
        session.execute(delete(WebhookEvent))
        session.execute(delete(SandboxTimer))


@pytest.fixture
def committed_settings(committed_url: str) -> Settings:
    return Settings(database_url=committed_url, secret_key=TEST_SECRET_KEY)
