"""The offsets each process keeps so that a request learns its client's time without a query:
updated at once by the process that advances, re-read after OFFSET_REFRESH_SECONDS elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gingham.clients.attempts import FailedCredentials
from gingham.clients.authentication import ApiKeyAuthenticator
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.link_tokens import api as link_tokens_api
from gingham.sandbox_clock.offsets import OFFSET_REFRESH_SECONDS, ClientClocks
from gingham.sandbox_clock.service import advance_clock
from gingham.wire.context import Runtime
from gingham.wire.endpoint import plaid_route
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller, link_token_request


class Ticker:
    """A monotonic clock for the cache that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def tick(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
def offset_reads(connection: Connection) -> Iterator[list[str]]:
    """The statements that read an offset from sandbox_clocks, on the test's connection."""
    reads: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM sandbox_clocks" in statement:
            reads.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    yield reads
    event.remove(connection, "before_cursor_execute", note)


def advance_in_own_transaction(
    session_factory: sessionmaker[Session],
    client_id: str,
    clock: FrozenClock,
    clocks: ClientClocks | None,
    by: timedelta,
) -> None:
    with session_factory() as session, session.begin():
        # No timers are scheduled here, so none need handling.
        advance_clock(session, client_id, by=by, real_now=clock.now(), handlers={}, clocks=clocks)


class TestTwoProcesses:
    def test_the_advancing_process_sees_it_at_once_the_other_within_the_refresh_interval(
        self, session_factory: sessionmaker[Session], client_id: str, clock: FrozenClock
    ) -> None:
        ticker = Ticker()
        here, there = ClientClocks(monotonic=ticker), ClientClocks(monotonic=ticker)
        with session_factory() as session:
            assert here.now(session, client_id, clock.now()) == clock.now()
            assert there.now(session, client_id, clock.now()) == clock.now()

        advance_in_own_transaction(session_factory, client_id, clock, here, timedelta(days=3))

        later = clock.now() + timedelta(days=3)
        with session_factory() as session:
            assert here.now(session, client_id, clock.now()) == later
            ticker.tick(OFFSET_REFRESH_SECONDS * 0.9)
            assert there.now(session, client_id, clock.now()) == clock.now()
            ticker.tick(OFFSET_REFRESH_SECONDS * 0.2)
            assert there.now(session, client_id, clock.now()) == later

    def test_a_rolled_back_advance_is_not_remembered(
        self, session_factory: sessionmaker[Session], client_id: str, clock: FrozenClock
    ) -> None:
        clocks = ClientClocks(monotonic=Ticker())
        with session_factory() as session:
            session.begin()
            advance_clock(
                session,
                client_id,
                by=timedelta(days=1),
                real_now=clock.now(),
                handlers={},
                clocks=clocks,
            )
            session.rollback()
            assert clocks.now(session, client_id, clock.now()) == clock.now()

    def test_plaid_endpoints_of_another_runtime_follow_within_the_refresh_interval(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        # A second server process over the same database: its own Runtime and offset cache.
        ticker = Ticker()
        runtime = Runtime(
            settings=settings,
            session_factory=session_factory,
            clock=clock,
            secrets=SecretBox(load_or_create_key(settings.secret_key, settings.data_dir)),
            authenticator=ApiKeyAuthenticator(FailedCredentials(limit=30)),
            client_clocks=ClientClocks(monotonic=ticker),
        )
        app = Starlette(
            routes=[plaid_route("/link/token/create", link_tokens_api.create_link_token, runtime)]
        )
        other_process = PlaidCaller(TestClient(app), plaid.credentials)

        def expiration(caller: PlaidCaller) -> str:
            value: str = caller.ok("/link/token/create", link_token_request())["expiration"]
            return value

        four_hours = format_datetime(clock.now() + timedelta(hours=4))
        assert expiration(other_process) == four_hours

        plaid.ok("/_gingham/clock/advance", {"by": "P1D"})

        a_day_later = format_datetime(clock.now() + timedelta(days=1, hours=4))
        assert expiration(plaid) == a_day_later
        assert expiration(other_process) == four_hours
        ticker.tick(OFFSET_REFRESH_SECONDS)
        assert expiration(other_process) == a_day_later


class TestQueriesPerRequest:
    def test_a_client_that_never_advanced_costs_one_read_per_refresh_interval(
        self, plaid: PlaidCaller, offset_reads: list[str]
    ) -> None:
        for _ in range(5):
            plaid.ok("/link/token/create", link_token_request())
        assert len(offset_reads) == 1

    def test_after_an_advance_this_process_reads_nothing(
        self, plaid: PlaidCaller, offset_reads: list[str]
    ) -> None:
        plaid.ok("/_gingham/clock/advance", {"by": "P1D"})
        offset_reads.clear()
        for _ in range(5):
            plaid.ok("/link/token/create", link_token_request())
        assert offset_reads == []

    def test_reads_again_once_the_interval_has_passed(
        self, session_factory: sessionmaker[Session], client_id: str, offset_reads: list[str]
    ) -> None:
        ticker = Ticker()
        clocks = ClientClocks(monotonic=ticker)
        with session_factory() as session:
            for _ in range(3):
                clocks.offset(session, client_id)
            ticker.tick(OFFSET_REFRESH_SECONDS)
            for _ in range(3):
                clocks.offset(session, client_id)
        assert len(offset_reads) == 2
