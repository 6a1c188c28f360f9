"""Where the request log lives (gingham.request_log.store): beside a SQLite database file in a
file of its own, whose schema it prepares; with the data elsewhere."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select

from gingham.request_log.models import LoggedRequest
from gingham.request_log.store import SCHEMA_VERSION, log_engine, own_file


@pytest.mark.parametrize(
    ("database_url", "log_url"),
    [
        ("sqlite:////data/gingham.db", "sqlite:////data/gingham.requests.db"),
        ("sqlite:///relative/sandbox.sqlite3", "sqlite:///relative/sandbox.requests.sqlite3"),
        ("sqlite:////data/gingham", "sqlite:////data/gingham.requests"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://gingham@127.0.0.1/test", None),
    ],
)
def test_own_file(database_url: str, log_url: str | None) -> None:
    assert own_file(database_url) == log_url


def _row(client_id: str) -> dict[str, object]:
    return {
        "id": "0001",
        "client_id": client_id,
        "environment": "sandbox",
        "endpoint": "/item/get",
        "status": 200,
        "latency_ms": 1.0,
        "request_id": "req-1",
        "created_at": datetime(2026, 12, 3, tzinfo=UTC),
    }


def test_a_new_file_is_private_and_ready(tmp_path: Path) -> None:
    engine = log_engine(f"sqlite:///{tmp_path}/gingham.db")
    try:
        log_file = tmp_path / "gingham.requests.db"
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
        assert inspect(engine).get_table_names() == ["logged_requests"]
        # A client of the data's file, which this one lacks, is no foreign key error here.
        with engine.begin() as connection:
            connection.execute(insert(LoggedRequest), [_row("client-of-the-data")])
        with engine.connect() as connection:
            assert connection.scalar(select(LoggedRequest.client_id)) == "client-of-the-data"
    finally:
        engine.dispose()
    assert sqlite3.connect(log_file).execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_an_existing_log_is_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/gingham.db"
    first = log_engine(url)
    with first.begin() as connection:
        connection.execute(insert(LoggedRequest), [_row("kept")])
    first.dispose()
    again = log_engine(url)
    try:
        with again.connect() as connection:
            assert connection.scalar(select(LoggedRequest.client_id)) == "kept"
    finally:
        again.dispose()


def test_a_log_of_another_version_is_made_anew(tmp_path: Path) -> None:
    log_file = tmp_path / "gingham.requests.db"
    older = sqlite3.connect(log_file)
    older.execute("CREATE TABLE logged_requests (id TEXT PRIMARY KEY, shape TEXT)")
    older.execute("INSERT INTO logged_requests VALUES ('old', 'of another version')")
    older.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    older.commit()
    older.close()
    engine = log_engine(f"sqlite:///{tmp_path}/gingham.db")
    try:
        columns = {column["name"] for column in inspect(engine).get_columns("logged_requests")}
        assert "shape" not in columns and "request_body" in columns
        with engine.connect() as connection:
            assert connection.scalar(select(LoggedRequest.id)) is None
    finally:
        engine.dispose()
