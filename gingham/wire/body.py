"""Request bodies within bounds, for every route of a server: no larger than the configured size,
no slower than the configured time, refused as soon as either is exceeded rather than after the
whole body has been buffered.

A body announced as too large (Content-Length) is answered 413 before a byte of it is read. A body
that streams in without announcing its size is counted as it arrives; the route reading it gets a
Plaid error (413, or 408 when it is too slow) from `receive`, which the routes render as any other
Plaid error.
"""

from __future__ import annotations

import asyncio
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gingham import errors
from gingham.wire import json
from gingham.wire.ids import new_request_id


class BoundedBodies:
    """ASGI middleware: bodies over `limit` bytes are refused (413), and so are bodies that take
    longer than `timeout` seconds to arrive (408)."""

    def __init__(self, app: ASGIApp, *, limit: int, timeout: float) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.limit:
            await _refuse(send, errors.body_too_large(self.limit))
            return
        await self.app(scope, self._bounded(receive), send)

    def _bounded(self, receive: Receive) -> Receive:
        received = 0
        deadline: float | None = None

        async def bounded_receive() -> Message:
            nonlocal received, deadline
            if deadline is None:
                deadline = time.monotonic() + self.timeout
            left = None if deadline == float("inf") else max(deadline - time.monotonic(), 0)
            try:
                async with asyncio.timeout(left):
                    message = await receive()
            except TimeoutError:
                raise errors.body_too_slow(self.timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise errors.body_too_large(self.limit)
                if not message.get("more_body", False):
                    # The body is complete: waiting for a disconnect is not reading a body.
                    deadline = float("inf")
            return message

        return bounded_receive


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(send: Send, error: errors.PlaidError) -> None:
    body = json.dumps(error.body(new_request_id()))
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is not read: the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
