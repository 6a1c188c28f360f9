"""The request log's writer: a bounded in-memory queue emptied in batches, each redacted and
written in a transaction of its own.

A server that owns its database runs this writer in a process of its own
(gingham.request_log.process), which the API process hands raw bytes to. Tests whose
connection is rolled back, and a database in memory, run it in the API process: a background
task (`run()`) or the test itself (`flush()`) empties the queue. When the queue is full (the
database cannot keep up) requests are dropped and counted rather than making anyone wait.

In the API process, on SQLite, the batches are written on the event loop, between requests: a
writer thread would hold SQLite's one write lock while requests, which take it too (BEGIN
IMMEDIATE, see gingham.db), waited on it in SQLite's busy handler with the event loop stalled.
On PostgreSQL they are written in a worker thread, so the loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gingham.driver_queries import INSERT_LOGGED_REQUESTS
from gingham.request_log.models import LoggedRequest
from gingham.request_log.redaction import redact_json
from gingham.wire.events import sequence_id
from gingham.wire.recording import RecordedRequest

logger = logging.getLogger("gingham.request_log")

QUEUE_CAPACITY = 10_000
BATCH_SIZE = 500
# How long a request may wait in the queue before it is written: the delay `gingham logs tail`
# shows it with.
FLUSH_INTERVAL_SECONDS = 0.1
# Between two attempts at a batch while SQLite reports the database locked.
LOCKED_RETRY_PAUSE_SECONDS = 0.001
# A larger body is stored as a note of its size. Redacting and writing a body costs in proportion
# to its size, and a page of 100 transactions (about 60 KB) cost its endpoint some 15% of its
# latency when kept (docs/PERFORMANCE.md, "Request log"); smaller answers, the accounts of an
# Item included, are kept whole.
MAX_STORED_BODY_BYTES = 16 * 1024
# Gingham's endpoints that read these logs are not logged themselves: tailing the log must not
# write to it.
UNLOGGED_PREFIXES = ("/_gingham/requests/", "/_gingham/webhook_inbox/")


async def flush_ticks(stopping: asyncio.Event) -> AsyncIterator[bool]:
    """A tick every FLUSH_INTERVAL_SECONDS until `stopping` is set, then the last one at once:
    whether this tick is the last."""
    last = False
    while not last:
        try:
            await asyncio.wait_for(stopping.wait(), FLUSH_INTERVAL_SECONDS)
            last = True
        except TimeoutError:
            pass
        yield last


def is_logged(endpoint: str) -> bool:
    return not endpoint.startswith(UNLOGGED_PREFIXES)


def _note(what: str, size: int) -> str:
    return orjson.dumps({"_body": what, "_bytes": size}).decode()


def stored_body(raw: bytes, media_type: str | None, size: int | None = None) -> str | None:
    """The redacted JSON text of a body, or a note of what it was (`size`: its size when the
    recorder was not given it)."""
    size = max(size or 0, len(raw))
    if media_type is not None and not media_type.startswith("application/json"):
        return _note(media_type, size)
    if size > MAX_STORED_BODY_BYTES:
        return _note("too large to keep", size)
    if not raw:
        return None
    try:
        return redact_json(raw)
    except orjson.JSONDecodeError:
        return _note("not JSON", len(raw))


# An error body names its code early; the code is kept in a column of its own to filter on.
_ERROR_CODE = re.compile(rb'"error_code"\s*:\s*"([A-Z0-9_]{1,64})"')


def _row(request: RecordedRequest) -> dict[str, Any]:
    error = _ERROR_CODE.search(request.response_body) if request.status >= 400 else None
    return {
        "id": sequence_id(),
        "client_id": request.client_id,
        "environment": request.environment,
        "endpoint": request.endpoint,
        "status": request.status,
        "error_code": error.group(1).decode() if error else None,
        "latency_ms": round(request.latency_ms, 3),
        "request_id": request.request_id,
        "request_body": stored_body(request.request_body, "application/json", request.request_size),
        "response_body": stored_body(
            request.response_body, request.response_media_type, request.response_size
        ),
        "created_at": request.at,
    }


def _is_locked(error: Exception) -> bool:
    """Whether `error` is SQLite's SQLITE_BUSY, as its driver words it: wrapped by SQLAlchemy,
    or raw from the BEGIN IMMEDIATE that gingham.db runs on the driver."""
    if isinstance(error, OperationalError):
        error = error.orig  # type: ignore[assignment]
    return isinstance(error, sqlite3.OperationalError) and "database is locked" in str(error)


def prune(session: Session, client_id: str, keep: int) -> None:
    """Delete all but the client's newest `keep` requests."""
    oldest_kept = session.scalar(
        select(LoggedRequest.id)
        .where(LoggedRequest.client_id == client_id)
        .order_by(LoggedRequest.id.desc())
        .offset(keep - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        session.execute(
            delete(LoggedRequest).where(
                LoggedRequest.client_id == client_id, LoggedRequest.id < oldest_kept
            )
        )


class RequestLogWriter:
    """Implements gingham.wire.recording.RequestRecorder. `run()` is the background task;
    without it (tests with a rolled-back connection) `flush()` writes what is queued."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        retention: int,
        capacity: int = QUEUE_CAPACITY,
        batch_size: int = BATCH_SIZE,
        wait_for_lock_seconds: float = 0.0,
    ) -> None:
        """`wait_for_lock_seconds`: how long a batch keeps retrying while SQLite reports the
        database locked (see gingham.request_log.process) before it is given up."""
        self._session_factory = session_factory
        self._retention = retention
        self._batch_size = batch_size
        self._wait_for_lock_seconds = wait_for_lock_seconds
        self._queue: queue.Queue[RecordedRequest] = queue.Queue(maxsize=capacity)
        self._stopping: asyncio.Event | None = None
        # Rows written per client since it was last trimmed to its retention.
        self._since_trimmed: dict[str, int] = {}
        self.dropped = 0
        self.max_body_bytes = MAX_STORED_BODY_BYTES

    def records(self, endpoint: str) -> bool:
        return is_logged(endpoint)

    def record(self, request: RecordedRequest) -> None:
        try:
            self._queue.put_nowait(request)
        except queue.Full:
            self.dropped += 1

    def record_waiting(self, request: RecordedRequest) -> None:
        """Take the request, waiting for room in the queue: the writer process's receiving
        thread, whose waiting holds back the pipe and so the API process, which then drops."""
        self._queue.put(request)

    def flush(self, *, trim_every: int = 1) -> int:
        """Write what is queued now, in batches; how many requests were written. Each client
        that has had `trim_every` requests written since it was last trimmed is trimmed to its
        retention."""
        written = 0
        while rows := self._next_rows():
            self._write(rows, trim_every=trim_every)
            written += len(rows)
        return written

    def _next_rows(self) -> list[dict[str, Any]]:
        """The next batch taken from the queue, redacted and ready to insert."""
        rows: list[dict[str, Any]] = []
        while len(rows) < self._batch_size:
            try:
                rows.append(_row(self._queue.get_nowait()))
            except queue.Empty:
                break
        return rows

    def _write(self, rows: list[dict[str, Any]], *, trim_every: int) -> None:
        """Insert `rows`, and trim each client that has had `trim_every` rows written since it
        was last trimmed."""
        with self._session_factory() as session, session.begin():
            if rows:
                # The driver's executemany: SQLAlchemy's per-row bookkeeping cost as much as the
                # row (gingham.driver_queries).
                INSERT_LOGGED_REQUESTS.execute_many(session, rows)
            written = self._since_trimmed
            for row in rows:
                written[row["client_id"]] = written.get(row["client_id"], 0) + 1
            for client_id in sorted(written):
                if written[client_id] >= trim_every:
                    prune(session, client_id, self._retention)
                    del written[client_id]

    def trim_every(self, *, final: bool) -> int:
        """How many rows a client may gain before it is trimmed to its retention. Trimming
        every batch would delete a few rows every 100 ms, and on PostgreSQL keep autovacuum busy
        with them: a client is trimmed once it has grown by a tenth of its retention (and at the
        last batch), so it may hold up to a tenth more."""
        return 1 if final else max(1, self._retention // 10)

    def write_queued(self, *, final: bool = False) -> None:
        """Write what is queued now; a batch the database refuses is logged and lost. `final`:
        the last call, which also trims every client written since it was last trimmed."""
        trim_every = self.trim_every(final=final)
        while rows := self._next_rows():
            self._write_or_log(rows, trim_every=trim_every)
        if final and self._since_trimmed:
            self._write_or_log([], trim_every=1)

    def _write_or_log(self, rows: list[dict[str, Any]], *, trim_every: int) -> None:
        deadline = time.monotonic() + self._wait_for_lock_seconds
        while True:
            try:
                self._write(rows, trim_every=trim_every)
                return
            except Exception as error:
                if _is_locked(error) and time.monotonic() < deadline:
                    time.sleep(LOCKED_RETRY_PAUSE_SECONDS)
                    continue
                # A batch the database refused is lost; the next one may fare better.
                logger.exception("could not write %d requests to the request log", len(rows))
                return

    async def run(self, *, in_thread: bool) -> None:
        """Write what is queued every FLUSH_INTERVAL_SECONDS until `stop()`, then once more.
        Rows are prepared (redacted) on the event loop; with `in_thread` (a network database)
        they are written from a worker thread, which holds the GIL only briefly, so that the
        loop never waits on the network."""
        self._stopping = asyncio.Event()
        async for last in flush_ticks(self._stopping):
            trim_every = self.trim_every(final=last)
            while rows := self._next_rows():
                if in_thread:
                    await asyncio.to_thread(self._write_or_log, rows, trim_every=trim_every)
                else:
                    self._write_or_log(rows, trim_every=trim_every)
        if self._since_trimmed:
            self._write_or_log([], trim_every=1)

    def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()
