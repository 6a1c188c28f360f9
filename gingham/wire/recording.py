"""What the JSON endpoint adapter hands to the request log (gingham.request_log implements the
recorder): the raw bytes of an answered request, as cheap to take as possible. Parsing,
redaction and writing happen later, off the request's path."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from gingham.clock import Clock

# Told of every answered request: the request, its response, its request_id, and when it began
# (time.perf_counter()).
RecordResponse = Callable[[Request, Response, str, float], Awaitable[None]]

# Where the adapter leaves the authenticated caller in the request's scope state.
CALLER_STATE_KEY = "caller"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    client_id: str
    environment: str
    endpoint: str
    status: int
    latency_ms: float
    request_id: str
    # Exactly as sent and answered, credentials and tokens included: the recorder redacts them
    # before anything is stored. A body larger than the recorder keeps is passed empty, with
    # its size, so that the queue never holds it.
    request_body: bytes
    response_body: bytes
    response_media_type: str | None
    at: datetime
    request_size: int = 0
    response_size: int = 0


class RequestRecorder(Protocol):
    # The largest body kept; larger ones are noted by size.
    max_body_bytes: int

    @property
    def dropped(self) -> int:
        """Requests refused since start because the queue was full."""
        ...

    def records(self, endpoint: str) -> bool:
        """Whether requests to `endpoint` are recorded at all."""
        ...

    def record(self, request: RecordedRequest) -> None:
        """Take the request for recording; never blocks and never raises."""
        ...


def recording_hook(recorder: RequestRecorder, clock: Clock, path: str) -> RecordResponse | None:
    """Hands each answered request of an authenticated caller to the runtime's recorder, which
    queues it for a background writer: nothing is parsed, redacted or written here."""
    if not recorder.records(path):
        return None

    async def record(request: Request, response: Response, request_id: str, started: float) -> None:
        caller = request.scope["state"].get(CALLER_STATE_KEY)
        if caller is None:
            return  # refused before its credentials were checked: nobody's request
        # Read already, so Starlette answers from its copy.
        request_body = await request.body()
        response_body = bytes(response.body)
        limit = recorder.max_body_bytes
        recorder.record(
            RecordedRequest(
                client_id=caller.client_id,
                environment=caller.environment,
                endpoint=path,
                status=response.status_code,
                latency_ms=(time.perf_counter() - started) * 1000,
                request_id=request_id,
                request_body=request_body if len(request_body) <= limit else b"",
                response_body=response_body if len(response_body) <= limit else b"",
                response_media_type=response.media_type,
                at=clock.now(),
                request_size=len(request_body),
                response_size=len(response_body),
            )
        )

    return record
