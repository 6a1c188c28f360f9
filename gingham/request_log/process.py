"""The request log written by a process of its own beside the API process.

Redacting a request's bodies and inserting its row cost some 60 µs of CPU, a fixed cost that was
a quarter of `/accounts/get`'s on SQLite (docs/PERFORMANCE.md, "Request log"). In the API
process a thread would not help: it shares the GIL, and on SQLite the write lock too. So the API
process only gathers each answered request's raw fields in a list, and every
FLUSH_INTERVAL_SECONDS hands the list, pickled, down a pipe to a writer process, which redacts
and writes it with the same RequestLogWriter tests use in-process. Pickling costs about 2 µs a
request and happens in a thread, so the event loop never waits on the pipe. Beside a SQLite
database file it writes to the log's own file, never taking the data's write lock
(gingham.request_log.store).

The writer process starts with the first batch (not at start-up, so that it never competes with
the server becoming ready), ignores SIGINT (a terminal's Ctrl-C reaches the whole process group:
the server stops it by closing the pipe, after handing it what is left), and ends on its own,
after writing what it holds, when the pipe closes because the server process died. If it dies
the batch that found it gone is counted as dropped and the next batch starts a new one.

It runs only when the CPU has nothing else to do (SCHED_IDLE), so that where it shares a CPU with
an API process the request goes first. When it cannot keep up (every CPU busy for long) its queue
fills, the pipe fills behind it, and the API process drops requests beyond QUEUE_CAPACITY and
counts them, as the in-process writer does; the dashboard's API requests page shows the count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy import event

from gingham.db import make_session_factory
from gingham.request_log.store import log_engine
from gingham.request_log.writer import (
    BATCH_SIZE,
    FLUSH_INTERVAL_SECONDS,
    MAX_STORED_BODY_BYTES,
    QUEUE_CAPACITY,
    RequestLogWriter,
    flush_ticks,
    is_logged,
)
from gingham.wire.recording import RecordedRequest

logger = logging.getLogger("gingham.request_log")
# Rows per transaction on SQLite: some 1.5 ms of holding its write lock.
SQLITE_BATCH_SIZE = 100
# How long a stopping server waits for its writer process to write what it was handed.
STOP_TIMEOUT_SECONDS = 30.0
# A spawned process imports only what writing needs; a forked one would inherit the server's
# event loop and threads.
_CONTEXT = multiprocessing.get_context("spawn")


def _fields(request: RecordedRequest) -> tuple[Any, ...]:
    # A tuple pickles four times faster than the dataclass.
    return (
        request.client_id,
        request.environment,
        request.endpoint,
        request.status,
        request.latency_ms,
        request.request_id,
        request.request_body,
        request.response_body,
        request.response_media_type,
        request.at,
        request.request_size,
        request.response_size,
    )


class RequestLogProcess:
    """Implements gingham.wire.recording.RequestRecorder for a server that owns its database:
    `run()` is the background task that hands batches to the writer process."""

    def __init__(
        self, database_url: str, *, retention: int, capacity: int = QUEUE_CAPACITY
    ) -> None:
        self._database_url = database_url
        self._retention = retention
        self._capacity = capacity
        self._pending: list[tuple[Any, ...]] = []
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._stopping: asyncio.Event | None = None
        self.dropped = 0
        self.max_body_bytes = MAX_STORED_BODY_BYTES

    def records(self, endpoint: str) -> bool:
        return is_logged(endpoint)

    def record(self, request: RecordedRequest) -> None:
        if len(self._pending) >= self._capacity:
            self.dropped += 1
        else:
            self._pending.append(_fields(request))

    @property
    def pid(self) -> int | None:
        """The writer process's, once started."""
        return self._process.pid if self._process is not None else None

    async def run(self) -> None:
        """Hand what was recorded to the writer process every FLUSH_INTERVAL_SECONDS until
        `stop()`; then hand it the rest and wait for it to write it all."""
        self._stopping = asyncio.Event()
        async for _last in flush_ticks(self._stopping):
            if self._pending:
                if self._connection is None:
                    self._start()
                batch, self._pending = self._pending, []
                await asyncio.to_thread(self._send, batch)
        await asyncio.to_thread(self._close)

    def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()

    def _send(self, batch: list[tuple[Any, ...]]) -> None:
        assert self._connection is not None
        try:
            self._connection.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            logger.warning(
                "the request log's writer process has gone; %d requests were not logged",
                len(batch),
            )
            self.dropped += len(batch)
            self._connection.close()
            self._connection = None

    def _start(self) -> None:
        receiving, self._connection = _CONTEXT.Pipe(duplex=False)
        self._process = _CONTEXT.Process(
            target=write_requests,
            args=(self._database_url, self._retention, receiving),
            name="gingham-request-log",
            daemon=True,
        )
        with _sigint_ignored_by_children():
            self._process.start()
        receiving.close()

    def _close(self) -> None:
        if self._connection is None or self._process is None:
            return
        self._connection.close()
        self._process.join(STOP_TIMEOUT_SECONDS)
        if self._process.is_alive():
            logger.warning("the request log's writer process did not finish in time")
            self._process.terminate()


@contextlib.contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """A process started in this block ignores SIGINT from birth (an ignored signal stays
    ignored across exec), not only once it has imported enough to say so. Only the main thread
    may change a handler; elsewhere the process says so itself once started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)


def write_requests(database_url: str, retention: int, connection: Connection) -> None:
    """The writer process: write what arrives on `connection` until it closes, then the rest."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Scheduled only when no other process wants the CPU: where it shares one with API
    # processes (every CPU running one, or a busy machine), a request ready to run goes before
    # the log's writing, which can wait (docs/PERFORMANCE.md, "Request log"). Under load on
    # every CPU its queue then fills, and the API process drops and counts what does not fit.
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    engine = log_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # The log's file is shared only with the writers of other server processes
        # (--workers). SQLite's busy handler polls its lock at growing intervals, up to 100 ms;
        # here it is tried every millisecond instead (a refused BEGIN costs a few µs), for a
        # minute, and held for a short batch at a time, so that writers take quick turns.
        event.listen(engine, "connect", _no_busy_handler)
    else:
        event.listen(engine, "connect", _commit_without_waiting_for_the_disk)
    writer = RequestLogWriter(
        make_session_factory(engine),
        retention=retention,
        batch_size=SQLITE_BATCH_SIZE if sqlite else BATCH_SIZE,
        wait_for_lock_seconds=60.0 if sqlite else 0.0,
    )
    closed = threading.Event()

    def receive() -> None:
        try:
            while True:
                for fields in pickle.loads(connection.recv_bytes()):
                    writer.record_waiting(RecordedRequest(*fields))
        except (EOFError, OSError):
            pass
        finally:
            closed.set()

    threading.Thread(target=receive, name="receive", daemon=True).start()
    while not closed.wait(FLUSH_INTERVAL_SECONDS):
        writer.write_queued()
    writer.write_queued(final=True)


def _no_busy_handler(dbapi_connection: Any, _record: Any) -> None:
    # Runs after gingham.db's own connect listener, which sets the server's timeout.
    dbapi_connection.execute("PRAGMA busy_timeout=0")


def _commit_without_waiting_for_the_disk(dbapi_connection: Any, _record: Any) -> None:
    # On PostgreSQL the log's commits would each wait for a WAL flush, beside the requests'
    # own: with them one request at a time on /link/token/create cost 11% more (p50). A log's
    # last rows before a crash of the database server are worth less; the data's commits keep
    # waiting as they did.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    dbapi_connection.commit()
