"""Database plumbing: the declarative Base, the UTC datetime type, engines and sessions.

Gingham uses the subset of SQLAlchemy that behaves the same on SQLite and PostgreSQL: IDs are
generated in Python, datetimes are always timezone-aware UTC, JSON columns use the generic type.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from gingham import errors

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no timezone support, so values are stored naive in UTC and made aware on the way out;
    PostgreSQL stores them as timestamptz. Naive datetimes are refused so local time never leaks in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class BoundedString(TypeDecorator[str]):
    """A String(length) column that refuses, on both databases alike, what PostgreSQL would:
    a value longer than the column or containing NUL. SQLite would store both, so without this
    the same request would succeed on one database and fail with a database error on the
    other. The refusal is an INVALID_FIELD naming the column, raised as the value is bound
    (the request's transaction then rolls back)."""

    impl = String
    cache_ok = True

    def __init__(self, length: int, column: str) -> None:
        super().__init__(length)
        self.length = length
        self.column = column

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise errors.invalid_field(
                    f"{self.column} must not contain NUL (\\u0000) characters"
                )
            if len(value) > self.length:
                raise errors.invalid_field(
                    f"{self.column} must be at most {self.length} characters long "
                    f"(got {len(value)})"
                )
        return value


@event.listens_for(Column, "after_parent_attach")
def _bound_strings(column: Column[Any], table: Any) -> None:
    # Every model's String(n) column, as it joins its table; Enum and Text are left as they are.
    if type(column.type) is String and column.type.length is not None and isinstance(table, Table):
        column.type = BoundedString(column.type.length, column.name)


def _configure_sqlite(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the webhook worker and CLI read while the server writes; NORMAL sync is durable
    # across application crashes in WAL mode, which is what a sandbox needs.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def is_in_memory(database_url: str) -> bool:
    """Whether the database lives in this process's memory (SQLite's), out of other processes'
    reach."""
    url = make_url(database_url)
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_private_sqlite_file(database_url: str) -> None:
    """Create a SQLite database file (and its directory) readable by its owner only, before
    SQLite would create it with the process's umask: it holds hashed secrets, sealed bank
    tokens and users' data. SQLite gives its -wal and -shm files the database's permissions.
    Existing files and directories are left as they are."""
    path = make_url(database_url).database
    if not path or path == ":memory:":
        return
    database = Path(path)
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# The execution option that marks a connection's unit of work as read-only (a request that
# never writes): it runs without an explicit transaction, and any write statement on the
# connection fails, so no endpoint can be marked read-only by mistake.
READ_ONLY = "gingham_read_only"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


class WriteInReadOnlyUnit(RuntimeError):
    """A write attempted in a unit of work declared read-only: a bug in the declaration."""


def _refuse_write_if_read_only(read_only: bool, statement: str) -> None:
    if read_only and statement.lstrip()[:7].upper().startswith(_WRITES):
        raise WriteInReadOnlyUnit(f"write in a read-only unit of work: {statement[:80]}")


def _guard_read_only(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
    _refuse_write_if_read_only(bool(conn.get_execution_options().get(READ_ONLY)), statement)


def make_engine(database_url: str) -> Engine:
    engine = _make_engine(database_url)
    event.listen(engine, "before_cursor_execute", _guard_read_only)
    return engine


def _make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        # isolation_level=None hands transaction control to SQLAlchemy's own BEGIN, below, so
        # that writers take the lock with BEGIN IMMEDIATE and never fail on lock upgrade.
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False}, isolation_level=None
        )
        event.listen(engine, "connect", _configure_sqlite)

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # Straight to the driver: this runs once per request, and SQLAlchemy's statement
            # machinery would triple its cost. A read-only unit begins nothing: each statement
            # reads on its own beside the writers (WAL), and its COMMIT costs nothing.
            if not conn.get_execution_options().get(READ_ONLY):
                conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

        return engine
    # No pre-ping: it would cost a round trip per request. Connections are recycled instead, and a
    # request that meets a dead connection fails once and invalidates the pool.
    return create_engine(database_url, pool_size=10, max_overflow=20, pool_recycle=1800)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextlib.contextmanager
def read_only_session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for a unit of work that only reads. On both databases each statement runs on
    its own, outside an explicit transaction: SQLite takes no write lock and PostgreSQL makes no
    BEGIN/COMMIT round trips. The reads of one request may therefore see different commits of
    other requests, which a read-only endpoint's answer tolerates (it is a moment later either
    way). Any write on the connection fails (READ_ONLY)."""
    with session_factory() as session:
        options: dict[str, Any] = {READ_ONLY: True}
        bind = session.get_bind()
        # Only on a connection of its own: the tests' units of work share one in a transaction.
        if bind.dialect.name == "postgresql" and isinstance(bind, Engine):
            options["isolation_level"] = "AUTOCOMMIT"
        connection = session.connection(execution_options=options)
        try:
            # Nothing to commit: the statements ran on their own. Closing the session costs a
            # quarter less than committing it, but would drop changes a commit would have
            # written, so those fail as a write would.
            yield session
            if session.new or session.dirty or session.deleted:
                raise WriteInReadOnlyUnit("changes left in a read-only unit of work's session")
        finally:
            # A connection shared across units of work (the tests') must not stay read-only.
            if not isinstance(bind, Engine):
                connection.execution_options(**{READ_ONLY: False})


def request_session(
    session_factory: sessionmaker[Session], *, read_only: bool
) -> contextlib.AbstractContextManager[Session]:
    """The session of one request's unit of work, committed when the block ends."""
    return read_only_session(session_factory) if read_only else _writing_session(session_factory)


@contextlib.contextmanager
def _writing_session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session, session.begin():
        yield session


def add_once(session: Session, row: Base) -> bool:
    """Insert `row` unless a unique constraint says it is already there; True when inserted.

    The insert runs in a savepoint, so losing a race with an identical insert leaves the
    caller's transaction usable.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def utcnow() -> datetime:
    return datetime.now(UTC)


MIGRATIONS_DIR = __import__("pathlib").Path(__file__).parent / "migrations"
# The newest migration. A database already there needs no Alembic, whose loading is a fifth of a
# second of every start; tests/test_storage.py fails until this names the one head.
HEAD_REVISION = "da7a00000014"


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is HEAD_REVISION, in one query."""
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except (OperationalError, ProgrammingError):
        # A new database (no alembic_version yet), or one that cannot be reached: Alembic
        # creates the first and reports the second.
        return False
    return [row[0] for row in versions] == [HEAD_REVISION]


def migrate(engine: Engine) -> None:
    """Bring the database schema up to date (Alembic `upgrade head`)."""
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        # "heads": work on separate features may add parallel branches until a merge revision joins them.
        command.upgrade(config, "heads")
