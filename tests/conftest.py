"""Test wiring: real databases (SQLite always, PostgreSQL as a second leg), migrated once per run,
each test inside a transaction that is rolled back, and the real app driven in-process."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.db import make_engine, migrate
from tests.builders import PlaidCaller

# The committed-database fixtures, for tests that need transactions that really commit.
pytest_plugins = ["tests.committed"]

POSTGRES_URL_VARIABLE = "GINGHAM_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL)


def _postgres_unavailable(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as exc:
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A freshly migrated database for the whole run, on each backend in turn.

    PostgreSQL gets a schema of its own per run, so runs never see each other's rows. Where no
    PostgreSQL server answers, the leg is skipped with the reason, except under CI, where that
    is a failure: CI must run both legs.
    """
    with migrated_database(request.param, tmp_path_factory, "gingham_test") as url:
        yield url


@contextmanager
def migrated_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, prefix: str
) -> Iterator[str]:
    """The URL of a new database on `backend`, migrated to the newest schema: a SQLite file, or a
    PostgreSQL schema of its own named after `prefix` and dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(prefix) / 'gingham.db'}"
        _migrate(url)
        yield url
        return
    with fresh_postgres_schema(require_postgres(), prefix) as url:
        _migrate(url)
        yield url


def require_postgres() -> str:
    """The PostgreSQL admin URL; skips the test with the reason when no server answers, except
    under CI, where that is a failure: CI must run the PostgreSQL leg."""
    admin_url = postgres_admin_url()
    problem = _postgres_unavailable(admin_url)
    if problem is not None:
        message = (
            f"PostgreSQL leg: no server at {admin_url} ({problem}); set {POSTGRES_URL_VARIABLE}"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run the PostgreSQL leg")
        pytest.skip(message)
    return admin_url


@contextmanager
def fresh_postgres_schema(admin_url: str, prefix: str) -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in admin_url else "?"
        yield f"{admin_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection per test, inside a transaction that is rolled back afterwards."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Each unit of work in the app becomes a SAVEPOINT inside the test's transaction.
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


# A fixed key for sealing secrets at rest, so tests never write a key file.
TEST_SECRET_KEY = base64.urlsafe_b64encode(b"gingham-test-key-of-32-bytes-ok!").decode()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=TEST_SECRET_KEY)


@pytest.fixture
def client(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(settings, clock=clock, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def credentials(session_factory: sessionmaker[Session], clock: FrozenClock) -> dict[str, str]:
    with session_factory() as session, session.begin():
        issued = clients_service.create_client(session, "Test app", clock.now())
    return {"client_id": issued.client_id, "secret": issued.secret}


@pytest.fixture
def plaid(client: TestClient, credentials: dict[str, str]) -> PlaidCaller:
    return PlaidCaller(client, credentials)


@pytest.fixture
def other_plaid(
    client: TestClient, session_factory: sessionmaker[Session], clock: FrozenClock
) -> PlaidCaller:
    """A second, unrelated API client: it must never reach the first one's objects."""
    with session_factory() as session, session.begin():
        issued = clients_service.create_client(session, "Other app", clock.now())
    return PlaidCaller(client, {"client_id": issued.client_id, "secret": issued.secret})


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"PostgreSQL leg: {postgres_admin_url()} (override with {POSTGRES_URL_VARIABLE})"]
