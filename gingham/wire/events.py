"""Live streams as server-sent events: the request log's and the webhook inbox's tails.

A stream is a GET (or POST) with the client's API credentials in the PLAID-CLIENT-ID and
PLAID-SECRET headers. It answers `event: ready` at once, then one event per new row as rows
appear, polling the database; a comment every few seconds keeps idle connections honest.

Rows are followed by time-ordered ids (`sequence_id`). A row may commit a moment after a row
with a later id (two transactions at once), so each poll looks back a little and skips what it
has sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from gingham import errors
from gingham.db import read_only_session
from gingham.wire import json
from gingham.wire.context import Caller, JSONObject, Runtime
from gingham.wire.ids import new_request_id
from gingham.wire.json_route import error_response

POLL_SECONDS = 0.2
KEEPALIVE_SECONDS = 10.0
LOOKBACK_NANOSECONDS = 2_000_000_000
_ID_STAMP_DIGITS = 20

# The rows with ids after the given one for the caller, oldest first; each has an "id". It runs
# in a read-only unit of work (gingham.db.read_only_session): it must not write.
Poll = Callable[[Session, Caller, str, Request], list[JSONObject]]

_last_sequence = 0
_sequence_lock = threading.Lock()


def sequence_id() -> str:
    """An id that sorts in the order this process made them: nanoseconds of wall time, then
    randomness to stay unique beside other processes."""
    global _last_sequence
    with _sequence_lock:
        _last_sequence = max(time.time_ns(), _last_sequence + 1)
        stamp = _last_sequence
    return f"{stamp:0{_ID_STAMP_DIGITS}d}{secrets.token_hex(6)}"


def _looking_back_from(row_id: str) -> str:
    stamp = int(row_id[:_ID_STAMP_DIGITS])
    return f"{max(stamp - LOOKBACK_NANOSECONDS, 0):0{_ID_STAMP_DIGITS}d}"


def server_sent_event(event: str, data: Any) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + json.dumps(data) + b"\n\n"


async def follow(
    runtime: Runtime,
    caller: Caller,
    request: Request,
    poll: Poll,
    event: str,
    closing: asyncio.Event,
) -> AsyncIterator[bytes]:
    """The stream's events: `ready`, then `event` with each new row, until the client goes or
    `closing` is set (the server is stopping)."""
    cursor = sequence_id()
    sent: set[str] = set()
    yield server_sent_event("ready", {"client_id": caller.client_id})
    quiet_since = time.monotonic()
    while not closing.is_set() and not await request.is_disconnected():
        rows = await _database(runtime, _poll_once, runtime, poll, caller, cursor, request)
        fresh = [row for row in rows if row["id"] not in sent]
        for row in fresh:
            yield server_sent_event(event, row)
        if fresh:
            quiet_since = time.monotonic()
            newest = max(row["id"] for row in rows)
            cursor = max(_looking_back_from(newest), cursor)
            sent = {row["id"] for row in rows if row["id"] > cursor} | {
                row_id for row_id in sent if row_id > cursor
            }
        elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield b": keepalive\n\n"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), POLL_SECONDS)


def _poll_once(
    runtime: Runtime, poll: Poll, caller: Caller, after: str, request: Request
) -> list[JSONObject]:
    # A poll only reads: on SQLite it must not take the write lock five times a second for every
    # open stream.
    with read_only_session(runtime.session_factory) as session:
        return poll(session, caller, after, request)


async def _database(runtime: Runtime, work: Callable[..., Any], *args: Any) -> Any:
    if runtime.database_in_threads:
        return await run_in_threadpool(work, *args)
    return work(*args)


def _authenticate(runtime: Runtime, request: Request) -> Caller:
    client_id = request.headers.get("plaid-client-id")
    secret = request.headers.get("plaid-secret")
    missing = [name for name, value in (("client_id", client_id), ("secret", secret)) if not value]
    if missing or client_id is None or secret is None:
        raise errors.missing_fields(missing)
    address = request.client.host if request.client else None
    with runtime.session_factory() as session, session.begin():
        environment = runtime.authenticator.authenticate(session, client_id, secret, address)
    return Caller(client_id, environment)


def stream_route(
    path: str, runtime: Runtime, poll: Poll, event: str, closing: asyncio.Event
) -> Route:
    """GET or POST `path`: the caller's rows from `poll`, live, as `event` events. Setting
    `closing` ends every stream: they never end by themselves, and a server waits for its open
    responses before it stops."""

    async def endpoint(request: Request) -> Response:
        try:
            caller = await _database(runtime, _authenticate, runtime, request)
        except errors.PlaidError as error:
            return error_response(error, new_request_id())
        return StreamingResponse(
            follow(runtime, caller, request, poll, event, closing),
            media_type="text/event-stream",
            # Proxies must pass events on as they come.
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return Route(path, endpoint, methods=["GET", "POST"])
