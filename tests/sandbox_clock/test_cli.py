"""`gingham clock show|advance`, run as a user runs it, against SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gingham.db import make_engine, make_session_factory
from gingham.sandbox_clock.service import schedule_timer
from gingham.wire.json import parse_datetime
from tests.conftest import fresh_postgres_schema, require_postgres


class Gingham:
    """The `gingham` command with the settings of one database."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gingham.cli", *args],
            env={**self.environment, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def create_client(self) -> str:
        client_id: str = json.loads(self.ok("client", "create", "--name", "CLI app", "--json"))[
            "client_id"
        ]
        return client_id


@pytest.fixture(params=["sqlite", "postgresql"])
def gingham(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gingham]:
    environment = {"GINGHAM_DATA_DIR": str(tmp_path)}
    if request.param == "sqlite":
        environment["GINGHAM_DATABASE_URL"] = f"sqlite:///{tmp_path / 'gingham.db'}"
        yield Gingham(environment)
        return
    with fresh_postgres_schema(require_postgres(), "gingham_clock_cli") as url:
        environment["GINGHAM_DATABASE_URL"] = url
        yield Gingham(environment)


def close_to(moment: datetime, expected: datetime) -> bool:
    return abs(moment - expected) < timedelta(minutes=1)


class TestClockCommand:
    def test_show_then_advance_printing_what_fired(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        shown = gingham.ok("clock", "show", "--client-id", client_id)
        assert shown.startswith(f"Sandbox clock of client {client_id}: ")
        assert "on real time" in shown and "0 pending timer(s)" in shown

        engine = make_engine(gingham.environment["GINGHAM_DATABASE_URL"])
        try:
            with make_session_factory(engine)() as session, session.begin():
                due_at = datetime.now(UTC) + timedelta(days=3)
                schedule_timer(
                    session, client_id, due_at=due_at, kind="test.cli", subject_id="item-1"
                )
        finally:
            engine.dispose()
        shown = gingham.ok("clock", "show", "--client-id", client_id)
        assert "1 pending timer(s):" in shown and "test.cli  item-1" in shown

        advanced = gingham.run("clock", "advance", "--client-id", client_id, "--by", "P7D")
        assert advanced.returncode == 0, advanced.stderr
        lines = advanced.stdout.splitlines()
        assert lines[0].startswith(f"Advanced the sandbox clock of client {client_id} to ")
        assert "7 days, 0:00:00 ahead of real time" in lines[0]
        assert lines[1:] == [
            "Fired 1 timer(s):",
            f"  {due_at:%Y-%m-%dT%H:%M:%SZ}  test.cli  item-1",
        ]
        # No process has a handler for this kind: it is marked fired and logged.
        assert "no handler for timer kind 'test.cli'" in advanced.stderr

        shown_json = json.loads(gingham.ok("clock", "show", "--client-id", client_id, "--json"))
        assert shown_json["offset_seconds"] >= 7 * 86400
        assert close_to(parse_datetime(shown_json["now"]), datetime.now(UTC) + timedelta(days=7))

    def test_advance_to_a_moment_as_json(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        target = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
        advanced = json.loads(
            gingham.ok("clock", "advance", "--client-id", client_id, "--to", target, "--json")
        )
        assert advanced["now"] == target and advanced["fired"] == []

    def test_refusals(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        back = gingham.run(
            "clock", "advance", "--client-id", client_id, "--to", "2020-01-01T00:00:00Z"
        )
        assert (back.returncode, back.stderr) == (2, "gingham: clocks only move forward\n")

        too_far = gingham.run("clock", "advance", "--client-id", client_id, "--by", "P3Y")
        assert too_far.returncode == 2
        assert "at most 2 years" in too_far.stderr

        garbled = gingham.run("clock", "advance", "--client-id", client_id, "--by", "7 days")
        assert garbled.returncode == 2 and "--by '7 days'" in garbled.stderr

        unknown = gingham.run("clock", "show", "--client-id", "nobody")
        assert unknown.returncode == 2 and "no API client" in unknown.stderr

        neither = gingham.run("clock", "advance", "--client-id", client_id)
        assert neither.returncode == 2 and "--by" in neither.stderr
