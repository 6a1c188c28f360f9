"""Where the request log lives: with the data, or beside a SQLite database in a file of its own.

SQLite has one write lock per database file. Sharing it, the log's writer process and the API
processes took turns at it, and an API process that found it taken waited in SQLite's busy
handler, its event loop stalled, for a millisecond or more each time: at saturation that cost
SQLite's writing endpoints some 16% of their throughput. In a file of its own the log never
holds the data's lock; what it still costs is the writer's CPU (docs/PERFORMANCE.md, "Request
log").

So a server on a SQLite file keeps the log in `<name>.requests<suffix>` beside it (gingham.db:
gingham.requests.db). PostgreSQL locks rows, not the database, and keeps the log with the data,
as does SQLite in memory, which no other process could reach. The `logged_requests` table of the
data's schema then stays empty; a client's rows in the log's file are deleted with its data
(`wipe`), there being no foreign key across files to cascade.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Column, Engine, Index, MetaData, Table, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from gingham.db import create_private_sqlite_file, is_in_memory, make_engine, read_only_session
from gingham.request_log.models import LoggedRequest
from gingham.wire.context import Runtime

_TABLE: Table = LoggedRequest.__table__  # type: ignore[assignment]
# The table as the log's own file holds it: the same columns and indexes, without the foreign
# key to the clients of the data's file, which this one lacks.
_OWN_FILE_TABLE = Table(
    _TABLE.name,
    MetaData(),
    *(
        Column(column.name, column.type, primary_key=column.primary_key, nullable=column.nullable)
        for column in _TABLE.columns
    ),
    *(
        Index(index.name, *(column.name for column in index.columns), unique=index.unique)
        for index in _TABLE.indexes
    ),
)
# Stamped in the file (PRAGMA user_version). A file of another version holds a log of another
# shape: it is emptied and made anew, a log being worth less than a start that fails.
SCHEMA_VERSION = 1


def own_file(database_url: str) -> str | None:
    """The URL of the log's own file beside a SQLite database file; None where the log lives
    with the data."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or is_in_memory(database_url):
        return None
    path = Path(url.database or "")
    log_path = path.with_name(f"{path.stem}.requests{path.suffix}")
    return url.set(database=str(log_path)).render_as_string(hide_password=False)


def log_engine(database_url: str) -> Engine:
    """An engine on where the log of the database at `database_url` lives, its schema ready."""
    log_url = own_file(database_url)
    if log_url is None:
        return make_engine(database_url)
    create_private_sqlite_file(log_url)
    engine = make_engine(log_url)
    _prepare_schema(engine)
    # Its connection closed, so that connect listeners the caller adds (the writer's own busy
    # handling) apply to every connection it gets.
    engine.dispose()
    return engine


def _prepare_schema(engine: Engine) -> None:
    # One transaction (BEGIN IMMEDIATE), so that server processes starting together take turns.
    with engine.begin() as connection:
        version = connection.scalar(text("PRAGMA user_version"))
        if version not in (0, SCHEMA_VERSION):
            _OWN_FILE_TABLE.drop(connection, checkfirst=True)
        _OWN_FILE_TABLE.create(connection, checkfirst=True)
        connection.execute(text(f"PRAGMA user_version={SCHEMA_VERSION}"))


@contextlib.contextmanager
def reading(runtime: Runtime, session: Session) -> Iterator[Session]:
    """A session that reads the log: `session`, the request's own, where the log lives with the
    data; otherwise a read-only one on the log's file, which takes no lock from its writers."""
    if runtime.request_log_sessions is None:
        yield session
        return
    with read_only_session(runtime.request_log_sessions) as log_session:
        yield log_session


def wipe(sessions: sessionmaker[Session] | None, client_id: str | None) -> None:
    """Delete a client's logged requests (every client's with None) from the log's own file;
    nothing where the log lives with the data, whose wipe deletes them with the rest."""
    if sessions is None:
        return
    with sessions() as session, session.begin():
        statement = delete(_TABLE)
        if client_id is not None:
            statement = statement.where(_TABLE.c.client_id == client_id)
        session.execute(statement)
