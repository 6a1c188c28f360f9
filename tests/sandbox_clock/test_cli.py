"""`gingham clock show|advance`, run as a user runs it, against SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gingham.db import make_engine, make_session_factory
from gingham.sandbox_clock.timers import schedule_timer
from gingham.wire.json import parse_datetime
from tests.command import Gingham, gingham_command


@pytest.fixture(params=["sqlite", "postgresql"])
def gingham(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gingham]:
    with gingham_command(request.param, tmp_path, "gingham_clock_cli") as command:
        yield command


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
        # No process has a handler for this kind: the server marks it fired and logs it.
        assert "no handler for timer kind 'test.cli'" in gingham.server.output()

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
        assert back.returncode == 1
        assert back.stderr.endswith(": clocks only move forward\n")
        assert back.stderr.count("\n") == 1

        too_far = gingham.run("clock", "advance", "--client-id", client_id, "--by", "P3Y")
        assert too_far.returncode == 1
        assert "at most 2 years" in too_far.stderr

        garbled = gingham.run("clock", "advance", "--client-id", client_id, "--by", "7 days")
        assert garbled.returncode == 1 and "got '7 days'" in garbled.stderr

        # The secret in PLAID_SECRET is not this client's.
        unknown = gingham.run("clock", "show", "--client-id", "nobody")
        assert unknown.returncode == 1 and "INVALID_API_KEYS" in unknown.stderr

        neither = gingham.run("clock", "advance", "--client-id", client_id)
        assert neither.returncode == 2 and "--by" in neither.stderr
