"""The request log's writer: a bounded in-memory queue that a background thread empties in
batches, each in a transaction of its own.

A request only appends its raw bytes to the queue (gingham.wire.endpoint), so recording costs it
next to nothing and never touches its transaction. When the queue is full (the database cannot
keep up) requests are dropped and counted rather than making anyone wait.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from gingham.request_log.models import LoggedRequest
from gingham.request_log.redaction import redact
from gingham.wire.events import sequence_id
from gingham.wire.recording import RecordedRequest

logger = logging.getLogger("gingham.request_log")

QUEUE_CAPACITY = 10_000
BATCH_SIZE = 500
# How long a request may wait in the queue before it is written: the delay `gingham logs tail`
# shows it with.
FLUSH_INTERVAL_SECONDS = 0.1
# A larger body is stored as a note of its size: one /transactions/get of a busy Item must not
# fill the database.
MAX_STORED_BODY_BYTES = 64 * 1024
# Gingham's endpoints that read these logs are not logged themselves: tailing the log must not
# write to it.
UNLOGGED_PREFIXES = ("/_gingham/requests/", "/_gingham/webhook_inbox/")


def stored_body(raw: bytes, media_type: str | None) -> Any:
    """The redacted JSON of a body, or a note of what it was."""
    if media_type is not None and not media_type.startswith("application/json"):
        return {"_body": media_type, "_bytes": len(raw)}
    if len(raw) > MAX_STORED_BODY_BYTES:
        return {"_body": "too large to keep", "_bytes": len(raw)}
    if not raw:
        return None
    try:
        return redact(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return {"_body": "not JSON", "_bytes": len(raw)}


def _row(request: RecordedRequest) -> dict[str, Any]:
    response = stored_body(request.response_body, request.response_media_type)
    error = response.get("error_code") if isinstance(response, dict) else None
    return {
        "id": sequence_id(),
        "client_id": request.client_id,
        "environment": request.environment,
        "endpoint": request.endpoint,
        "status": request.status,
        "error_code": error if isinstance(error, str) and request.status >= 400 else None,
        "latency_ms": round(request.latency_ms, 3),
        "request_id": request.request_id,
        "request_body": stored_body(request.request_body, "application/json"),
        "response_body": response,
        "created_at": request.at,
    }


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
    """Implements gingham.wire.recording.RequestRecorder. `start()` runs the writing thread;
    without it (tests with a rolled-back connection) `flush()` writes what is queued."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        retention: int,
        capacity: int = QUEUE_CAPACITY,
    ) -> None:
        self._session_factory = session_factory
        self._retention = retention
        self._queue: queue.Queue[RecordedRequest] = queue.Queue(maxsize=capacity)
        self._flushing = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0

    def records(self, endpoint: str) -> bool:
        return not endpoint.startswith(UNLOGGED_PREFIXES)

    def record(self, request: RecordedRequest) -> None:
        try:
            self._queue.put_nowait(request)
        except queue.Full:
            self.dropped += 1

    def flush(self) -> int:
        """Write what is queued now, in batches; how many requests were written."""
        written = 0
        with self._flushing:
            while batch := self._take(BATCH_SIZE):
                self._write(batch)
                written += len(batch)
        return written

    def _take(self, limit: int) -> list[RecordedRequest]:
        batch: list[RecordedRequest] = []
        while len(batch) < limit:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _write(self, batch: list[RecordedRequest]) -> None:
        rows = [_row(request) for request in batch]
        with self._session_factory() as session, session.begin():
            session.execute(insert(LoggedRequest), rows)
            for client_id in sorted({row["client_id"] for row in rows}):
                prune(session, client_id, self._retention)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gingham-request-log", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.wait(FLUSH_INTERVAL_SECONDS):
            self._flush_logging_failures()
        self._flush_logging_failures()

    def _flush_logging_failures(self) -> None:
        try:
            self.flush()
        except Exception:
            # A batch the database refused is lost; the next one may fare better.
            logger.exception("could not write requests to the request log")
