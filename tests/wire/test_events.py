"""Live streams' polls (gingham.wire.events): each one only reads, so that a stream left open
never takes SQLite's write lock, which every writing request needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from gingham.clients.attempts import FailedCredentials
from gingham.clients.authentication import ApiKeyAuthenticator
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.db import WriteInReadOnlyUnit, make_engine, make_session_factory
from gingham.sandbox_clock.offsets import ClientClocks
from gingham.wire.context import Caller, Runtime
from gingham.wire.events import _poll_once

CALLER = Caller("client", "sandbox")


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE rows (id TEXT)")
        connection.execute("INSERT INTO rows VALUES ('1')")
    return path


@pytest.fixture
def runtime(database_file: Path, settings: Settings, clock: FrozenClock) -> Runtime:
    return Runtime(
        settings=settings,
        session_factory=make_session_factory(make_engine(f"sqlite:///{database_file}")),
        clock=clock,
        secrets=SecretBox(bytes(32)),
        authenticator=ApiKeyAuthenticator(FailedCredentials(limit=30)),
        client_clocks=ClientClocks(),
    )


def test_a_poll_runs_while_another_process_holds_the_write_lock(
    runtime: Runtime, database_file: Path
) -> None:
    holder = sqlite3.connect(database_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        rows = _poll_once(
            runtime,
            lambda session, caller, after, request: [
                {"id": row_id} for row_id in session.scalars(text("SELECT id FROM rows"))
            ],
            CALLER,
            "0",
            None,  # type: ignore[arg-type]
        )
    finally:
        holder.rollback()
        holder.close()
    assert rows == [{"id": "1"}]


def test_a_poll_that_writes_is_refused(runtime: Runtime) -> None:
    def writes(session: Any, caller: Caller, after: str, request: Any) -> list[Any]:
        session.execute(text("INSERT INTO rows VALUES ('2')"))
        return []

    with pytest.raises(WriteInReadOnlyUnit):
        _poll_once(runtime, writes, CALLER, "0", None)  # type: ignore[arg-type]
