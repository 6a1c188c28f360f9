"""The request log's writer process (gingham.request_log.process), on a real database of each
kind: what the API process hands it is written redacted, and nothing handed to it is lost when a
terminal's Ctrl-C reaches it, when the server process dies, or when it dies itself."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select, text

from gingham.config import Settings
from gingham.db import make_session_factory
from gingham.request_log.models import LoggedRequest
from gingham.request_log.process import (
    RequestLogProcess,
    _commit_without_waiting_for_the_disk,
    _no_busy_handler,
)
from gingham.request_log.store import log_engine, own_file
from gingham.request_log.writer import RequestLogWriter
from gingham.wire.recording import RecordedRequest
from tests.live_server import BACKENDS, create_api_client, empty_database, server_environment

SECRET = "0123456789abcdef0123456789abcd"
ACCESS_TOKEN = "access-sandbox-12345678-1234-4234-8234-1234567890ab"
WAIT_SECONDS = 30.0


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    with empty_database(request.param, tmp_path_factory) as database:
        environment = server_environment(database)
        client_id, _secret = create_api_client(environment)  # migrates the database too
        # Also seen by the dying server below, a process of its own.
        monkeypatch.setenv("GINGHAM_TEST_CLIENT_ID", client_id)
        yield Settings.from_env(environment).database_url


def recorded(request_id: str) -> RecordedRequest:
    return RecordedRequest(
        client_id=os.environ["GINGHAM_TEST_CLIENT_ID"],
        environment="sandbox",
        endpoint="/item/get",
        status=200,
        latency_ms=1.5,
        request_id=request_id,
        request_body=f'{{"secret": "{SECRET}", "access_token": "{ACCESS_TOKEN}"}}'.encode(),
        response_body=b'{"item": {}}',
        response_media_type="application/json",
        at=datetime(2026, 12, 1, tzinfo=UTC),
    )


def logged(database_url: str) -> dict[str, str | None]:
    """request_id -> stored request body of every logged request."""
    engine = log_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(select(LoggedRequest.request_id, LoggedRequest.request_body))
            return {request_id: body for request_id, body in rows}
    finally:
        engine.dispose()


def run_apart(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """asyncio.run(main()) in a thread of its own: earlier tests of the session (Playwright's)
    may leave an event loop running in this one."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as failure:
            failures.append(failure)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


async def handed_over(recorder: RequestLogProcess) -> None:
    """Wait until the recorder has no batch left to hand over."""
    while recorder._pending:
        await asyncio.sleep(0.02)


def test_what_is_recorded_is_written_redacted(database_url: str) -> None:
    recorder = RequestLogProcess(database_url, retention=100)

    async def serve() -> None:
        running = asyncio.create_task(recorder.run())
        for number in range(50):
            recorder.record(recorded(f"req-{number}"))
            if number % 10 == 0:
                await asyncio.sleep(0.15)
        recorder.stop()
        await running

    run_apart(serve)
    rows = logged(database_url)
    assert sorted(rows) == sorted(f"req-{number}" for number in range(50))
    body = rows["req-7"] or ""
    assert SECRET not in body and "[REDACTED]" in body
    assert ACCESS_TOKEN not in body and "access-sandbox-****90ab" in body
    assert recorder.dropped == 0
    assert recorder.pid is not None
    with pytest.raises(ProcessLookupError):  # it ended with the server
        os.kill(recorder.pid, 0)


def test_it_runs_only_when_no_request_wants_the_cpu(database_url: str) -> None:
    # Where it shares a CPU with API processes, their requests go first (SCHED_IDLE); its
    # rows wait, which they can.
    recorder = RequestLogProcess(database_url, retention=100)
    policies: list[int] = []

    async def serve() -> None:
        running = asyncio.create_task(recorder.run())
        recorder.record(recorded("req-first"))
        await handed_over(recorder)
        assert recorder.pid is not None
        deadline = time.monotonic() + WAIT_SECONDS
        while os.sched_getscheduler(recorder.pid) != os.SCHED_IDLE:
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.05)
        policies.append(os.sched_getscheduler(recorder.pid))
        recorder.stop()
        await running

    run_apart(serve)
    assert policies == [os.SCHED_IDLE]
    assert sorted(logged(database_url)) == ["req-first"]


def test_ctrl_c_does_not_stop_it_before_it_has_written_everything(database_url: str) -> None:
    # A server process of its own, whose event loop runs in its main thread as under `gingham
    # serve`; the writer is sent SIGINT as soon as it is started, while it is still importing.
    script = f"""
import asyncio, os, signal, sys
sys.path.insert(0, {os.getcwd()!r})
from tests.request_log.test_writer_process import handed_over, recorded
from gingham.request_log.process import RequestLogProcess

async def main():
    recorder = RequestLogProcess({database_url!r}, retention=100)
    running = asyncio.create_task(recorder.run())
    recorder.record(recorded("before"))
    await handed_over(recorder)
    # What a terminal's Ctrl-C sends the whole process group.
    os.kill(recorder.pid, signal.SIGINT)
    await asyncio.sleep(0.3)
    recorder.record(recorded("after"))
    recorder.stop()
    await running

asyncio.run(main())
"""
    server = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert server.returncode == 0, server.stderr
    assert "KeyboardInterrupt" not in server.stderr
    assert set(logged(database_url)) == {"before", "after"}


def test_it_writes_what_it_holds_and_ends_when_the_server_dies(database_url: str) -> None:
    # A server process that hands over one batch and dies at once, without stopping anything.
    script = f"""
import asyncio, os, sys
sys.path.insert(0, {os.getcwd()!r})
from tests.request_log.test_writer_process import handed_over, recorded
from gingham.request_log.process import RequestLogProcess

async def main():
    recorder = RequestLogProcess({database_url!r}, retention=100)
    asyncio.create_task(recorder.run())
    for number in range(20):
        recorder.record(recorded(f"orphan-{{number}}"))
    await handed_over(recorder)
    await asyncio.sleep(0.1)
    print(recorder.pid, flush=True)
    os._exit(0)

asyncio.run(main())
"""
    server = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert server.returncode == 0, server.stderr
    writer_pid = int(server.stdout.split()[-1])
    wait_until(lambda: len(logged(database_url)) == 20)

    def ended() -> bool:
        try:
            os.kill(writer_pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(ended)


def test_a_writer_that_died_is_replaced_and_its_loss_counted(database_url: str) -> None:
    recorder = RequestLogProcess(database_url, retention=100)

    async def serve() -> None:
        running = asyncio.create_task(recorder.run())
        recorder.record(recorded("first"))
        await handed_over(recorder)
        first_pid = recorder.pid
        assert first_pid is not None
        await asyncio.to_thread(wait_until, lambda: "first" in logged(database_url))
        os.kill(first_pid, signal.SIGKILL)
        await asyncio.sleep(0.3)
        recorder.record(recorded("lost"))
        await handed_over(recorder)
        await asyncio.sleep(0.2)
        recorder.record(recorded("later"))
        recorder.stop()
        await running
        assert recorder.pid != first_pid

    run_apart(serve)
    assert recorder.dropped == 1
    assert set(logged(database_url)) == {"first", "later"}


@pytest.fixture
def sqlite_url(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    with empty_database("sqlite", tmp_path_factory) as database:
        environment = server_environment(database)
        client_id, _secret = create_api_client(environment)
        monkeypatch.setenv("GINGHAM_TEST_CLIENT_ID", client_id)
        return Settings.from_env(environment).database_url


@pytest.mark.parametrize("waits", [True, False])
def test_on_sqlite_a_batch_waits_for_the_write_lock_it_finds_taken(
    sqlite_url: str, waits: bool
) -> None:
    # The log's own file, which the writers of other server processes share (--workers).
    engine = log_engine(sqlite_url)
    event.listen(engine, "connect", _no_busy_handler)
    writer = RequestLogWriter(
        make_session_factory(engine), retention=100, wait_for_lock_seconds=30.0 if waits else 0.0
    )
    writer.record(recorded("waited"))
    log_url = own_file(sqlite_url)
    assert log_url is not None
    holder = sqlite3.connect(
        log_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    releasing = threading.Timer(0.3, holder.rollback)
    releasing.start()
    started = time.monotonic()
    writer.write_queued()
    releasing.join()
    holder.close()
    engine.dispose()
    if waits:
        assert time.monotonic() - started >= 0.3
        assert set(logged(sqlite_url)) == {"waited"}
    else:  # given up at once, and said so in the log
        assert logged(sqlite_url) == {}


def test_on_sqlite_it_never_waits_for_the_datas_write_lock(sqlite_url: str) -> None:
    # The log has a file of its own: API processes taking the data's lock request after request
    # never wait for the log's writer, nor it for them.
    holder = sqlite3.connect(
        sqlite_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    recorder = RequestLogProcess(sqlite_url, retention=100)

    async def serve() -> None:
        running = asyncio.create_task(recorder.run())
        recorder.record(recorded("while-locked"))
        deadline = time.monotonic() + WAIT_SECONDS
        while "while-locked" not in logged(sqlite_url):
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.05)
        recorder.stop()
        await running

    try:
        run_apart(serve)
    finally:
        holder.rollback()
    # Nothing in the data's own table, which stays for databases the log lives with.
    assert holder.execute("SELECT count(*) FROM logged_requests").fetchone() == (0,)
    holder.close()


def test_on_postgresql_its_commits_do_not_wait_for_the_disk(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Beside the requests' own commits, which keep waiting for the WAL flush.
    with empty_database("postgresql", tmp_path_factory) as database:
        _check_commit_settings(Settings.from_env(server_environment(database)).database_url)


def _check_commit_settings(database_url: str) -> None:
    engine = log_engine(database_url)
    event.listen(engine, "connect", _commit_without_waiting_for_the_disk)
    data_engine = log_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SHOW synchronous_commit")) == "off"
        with data_engine.connect() as connection:
            assert connection.scalar(text("SHOW synchronous_commit")) == "on"
    finally:
        engine.dispose()
        data_engine.dispose()
