"""The background loop that fires timers as real time brings them due: on its own, inside the
app as `gingham serve` runs it, and inside `gingham worker`. Timers here are due in about a second
of real time, and no advance is made."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.sandbox_clock.models import SandboxTimer
from gingham.sandbox_clock.service import advance_clock, fire_due_timers
from gingham.sandbox_clock.timer_loop import FIRING_SECONDS_PER_TRANSACTION, TimerLoop
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, schedule_timer
from tests.conftest import TEST_SECRET_KEY
from tests.live_server import gingham_command, server_environment
from tests.sandbox_clock.conftest import Recorder
from tests.webhooks.conftest import run_async

# Generous: a timer due in a second fires within a tick after that; this only bounds a failure.
FIRE_TIMEOUT_SECONDS = 20.0


@pytest.fixture
def client_id(committed_sessions: sessionmaker[Session]) -> str:
    with committed_sessions() as session, session.begin():
        return clients_service.create_client(session, "Timer app", datetime.now(UTC)).client_id


def schedule_soon(
    committed_sessions: sessionmaker[Session],
    client_id: str,
    *,
    kind: str = "test.record",
    subject_id: str = "soon",
    due_in: timedelta = timedelta(seconds=1),
) -> str:
    with committed_sessions() as session, session.begin():
        return schedule_timer(
            session,
            client_id,
            due_at=datetime.now(UTC) + due_in,
            kind=kind,
            subject_id=subject_id,
        )


def loop_on(
    sessions: sessionmaker[Session], handlers: dict[str, TimerHandler], *, tick: float
) -> TimerLoop:
    return TimerLoop(session_factory=sessions, clock=SystemClock(), handlers=handlers, tick=tick)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + FIRE_TIMEOUT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.05)


async def run_until(loop: TimerLoop, condition: Callable[[], bool], what: str) -> None:
    """Run `loop` until `condition` holds, then stop it and wait for it to end."""
    running = asyncio.create_task(loop.run())
    try:
        deadline = time.monotonic() + FIRE_TIMEOUT_SECONDS
        while not condition():
            assert time.monotonic() < deadline, f"{what} did not happen"
            assert not running.done(), "the loop ended by itself"
            await asyncio.sleep(0.02)
    finally:
        loop.stop()
        await asyncio.wait_for(running, timeout=FIRE_TIMEOUT_SECONDS)


class TestTimerLoop:
    def test_a_timer_fires_when_real_time_reaches_it(
        self,
        timer_handlers: dict[str, TimerHandler],
        committed_sessions: sessionmaker[Session],
        client_id: str,
        recorder: Recorder,
    ) -> None:
        scheduled_at = datetime.now(UTC)
        schedule_soon(committed_sessions, client_id, due_in=timedelta(seconds=1))
        loop = loop_on(committed_sessions, timer_handlers, tick=0.1)

        run_async(lambda: run_until(loop, lambda: bool(recorder.seen), "the timer firing"))

        [(subject, fired_at)] = recorder.seen
        assert subject == "soon"
        assert fired_at >= scheduled_at + timedelta(seconds=1)
        with committed_sessions() as session:
            assert session.scalars(select(SandboxTimer.fired_at)).all() == [fired_at]

    def test_each_client_on_its_own_time(
        self,
        timer_handlers: dict[str, TimerHandler],
        committed_sessions: sessionmaker[Session],
        client_id: str,
        recorder: Recorder,
    ) -> None:
        with committed_sessions() as session, session.begin():
            ahead = clients_service.create_client(session, "Ahead", datetime.now(UTC)).client_id
            advance_clock(
                session,
                ahead,
                by=timedelta(days=30),
                real_now=datetime.now(UTC),
                handlers=timer_handlers,
            )
        # Due in a second of the client's time, which runs 30 days ahead of real time.
        schedule_soon(
            committed_sessions, ahead, subject_id="ahead", due_in=timedelta(days=30, seconds=1)
        )
        schedule_soon(committed_sessions, client_id, subject_id="not yet", due_in=timedelta(days=1))
        loop = loop_on(committed_sessions, timer_handlers, tick=0.1)

        run_async(lambda: run_until(loop, lambda: bool(recorder.seen), "the timer firing"))

        [(subject, fired_at)] = recorder.seen
        assert subject == "ahead"
        assert fired_at > datetime.now(UTC) + timedelta(days=29)

    def test_loops_sharing_a_database_fire_each_timer_once(
        self,
        timer_handlers: dict[str, TimerHandler],
        committed_sessions: sessionmaker[Session],
        client_id: str,
        recorder: Recorder,
    ) -> None:
        with committed_sessions() as session, session.begin():
            clients = [client_id] + [
                clients_service.create_client(session, f"App {n}", datetime.now(UTC)).client_id
                for n in range(4)
            ]
        subjects = [f"{owner}:{n}" for owner in clients for n in range(5)]
        for subject in subjects:
            schedule_soon(
                committed_sessions, subject.split(":")[0], subject_id=subject, due_in=timedelta(0)
            )
        loops = [loop_on(committed_sessions, timer_handlers, tick=0.01) for _ in range(3)]

        async def run_all() -> None:
            running = [asyncio.create_task(loop.run()) for loop in loops]
            try:
                deadline = time.monotonic() + FIRE_TIMEOUT_SECONDS
                while len(recorder.seen) < len(subjects) and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                # Many more ticks of each loop, for a second firing of anything to show.
                await asyncio.sleep(0.3)
            finally:
                for loop in loops:
                    loop.stop()
                await asyncio.wait_for(asyncio.gather(*running), timeout=FIRE_TIMEOUT_SECONDS)

        run_async(run_all)

        assert Counter(recorder.subjects) == Counter(subjects)

    def test_many_slow_timers_are_committed_as_they_fire_not_all_at_once(
        self,
        timer_handlers: dict[str, TimerHandler],
        committed_sessions: sessionmaker[Session],
        client_id: str,
        recorder: Recorder,
    ) -> None:
        # In one transaction, slow timers (an Item's transaction pulls) held SQLite's one write
        # lock until the last had fired: requests waiting for it failed. Each transaction now
        # fires timers for about FIRING_SECONDS_PER_TRANSACTION, so other connections see the
        # firing progress, and could take the lock, between two of them.
        def slow(ctx: TimerContext) -> None:
            time.sleep(FIRING_SECONDS_PER_TRANSACTION / 2)
            recorder.record(ctx)

        timer_handlers["test.slow"] = slow
        count = 12
        for n in range(count):
            schedule_soon(
                committed_sessions,
                client_id,
                kind="test.slow",
                subject_id=f"slow {n}",
                due_in=timedelta(0),
            )
        loop = loop_on(committed_sessions, timer_handlers, tick=0.1)
        committed_counts: set[int] = set()

        def all_committed() -> bool:
            with committed_sessions() as session:
                fired = session.scalars(
                    select(SandboxTimer.id).where(SandboxTimer.fired_at.is_not(None))
                ).all()
            committed_counts.add(len(fired))
            return len(fired) == count

        run_async(lambda: run_until(loop, all_committed, "every slow timer firing"))

        assert len(recorder.seen) == count
        assert any(0 < committed < count for committed in committed_counts)

    def test_past_its_deadline_a_transaction_fires_its_first_timer_and_leaves_the_rest(
        self,
        timer_handlers: dict[str, TimerHandler],
        committed_sessions: sessionmaker[Session],
        client_id: str,
        recorder: Recorder,
    ) -> None:
        for n in range(3):
            schedule_soon(committed_sessions, client_id, subject_id=f"t{n}", due_in=timedelta(0))
        for expected in (["t0"], ["t0", "t1"], ["t0", "t1", "t2"], ["t0", "t1", "t2"]):
            with committed_sessions() as session, session.begin():
                fire_due_timers(
                    session, datetime.now(UTC), timer_handlers, deadline=time.monotonic()
                )
            assert recorder.subjects == expected

    def test_stop_ends_the_loop_without_waiting_for_the_next_tick(
        self, timer_handlers: dict[str, TimerHandler], committed_sessions: sessionmaker[Session]
    ) -> None:
        loop = loop_on(committed_sessions, timer_handlers, tick=3600.0)

        async def start_then_stop() -> None:
            running = asyncio.create_task(loop.run())
            # Let it do its first tick and go to sleep for an hour.
            await asyncio.sleep(0.5)
            assert not running.done()
            loop.stop()
            await asyncio.wait_for(running, timeout=FIRE_TIMEOUT_SECONDS)

        run_async(start_then_stop)

    def test_a_loop_stopped_before_it_starts_ends_at_once(
        self, timer_handlers: dict[str, TimerHandler], committed_sessions: sessionmaker[Session]
    ) -> None:
        loop = loop_on(committed_sessions, timer_handlers, tick=3600.0)
        loop.stop()
        run_async(lambda: asyncio.wait_for(loop.run(), timeout=FIRE_TIMEOUT_SECONDS))


class TestWhereTheLoopRuns:
    def test_the_app_fires_timers_while_it_serves(
        self,
        timer_handlers: dict[str, TimerHandler],
        committed_url: str,
        committed_sessions: sessionmaker[Session],
        client_id: str,
        recorder: Recorder,
        tmp_path: Path,
    ) -> None:
        settings = Settings(
            database_url=committed_url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path
        )
        # The app owns its database, as under `gingham serve`.
        with TestClient(create_app(settings, extra_timer_handlers=timer_handlers)):
            schedule_soon(committed_sessions, client_id)
            wait_until(lambda: bool(recorder.seen), "the timer firing")
        assert recorder.subjects == ["soon"]

    def test_gingham_worker_fires_timers(
        self,
        committed_url: str,
        committed_sessions: sessionmaker[Session],
        client_id: str,
        tmp_path: Path,
    ) -> None:
        # No handler for this kind in the worker's process: it is marked fired all the same.
        timer_id = schedule_soon(committed_sessions, client_id, kind="test.nobody_handles_this")
        environment = server_environment(
            {
                "GINGHAM_DATABASE_URL": committed_url,
                "GINGHAM_DATA_DIR": str(tmp_path),
                "GINGHAM_SECRET_KEY": TEST_SECRET_KEY,
            }
        )
        log_path = tmp_path / "worker.log"
        with log_path.open("wb") as log:
            worker = subprocess.Popen(
                gingham_command("worker"),
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:

            def fired() -> bool:
                with committed_sessions() as session:
                    timer = session.get(SandboxTimer, timer_id)
                    return timer is not None and timer.fired_at is not None

            wait_until(fired, "the worker firing the timer")
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=FIRE_TIMEOUT_SECONDS) == 0, log_path.read_text()
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
        assert "test.nobody_handles_this" in log_path.read_text()
