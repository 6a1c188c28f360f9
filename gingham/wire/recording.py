"""What the JSON endpoint adapter hands to the request log (gingham.request_log implements the
recorder): the raw bytes of an answered request, as cheap to take as possible. Parsing,
redaction and writing happen later, off the request's path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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
