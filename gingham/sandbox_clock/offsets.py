"""Each API client's sandbox clock as an offset from real time: read from the database, and
remembered by each process for a moment (ClientClocks) so that reading a client's time costs no
query per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from gingham import driver_queries

# How long a process trusts the offsets it has read (seconds): another process's advance is seen
# within this time; the advancing process sees its own at once.
OFFSET_REFRESH_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ClockState:
    client_id: str
    now: datetime
    offset_seconds: float
    real_now: datetime


def offset_seconds(session: Session, client_id: str) -> float:
    """How far the client's time runs ahead of real time, read from the database."""
    offset = driver_queries.CLOCK_OFFSET.first(session, client_id=client_id)
    return float(offset or 0.0)


def client_now(session: Session, client_id: str, real_now: datetime) -> datetime:
    return shifted(real_now, offset_seconds(session, client_id))


def clock_state(session: Session, client_id: str, real_now: datetime) -> ClockState:
    offset = offset_seconds(session, client_id)
    return ClockState(client_id, shifted(real_now, offset), offset, real_now)


def shifted(real_now: datetime, offset: float) -> datetime:
    return real_now + timedelta(seconds=offset) if offset else real_now


class ClientClocks:
    """The offsets this process knows, so that reading a client's time costs no query per
    request: each is re-read from the database once it is `refresh_after` seconds old
    (monotonic time), and replaced at once when this process advances the clock. A client whose
    clock was never advanced is remembered as offset 0 in the same way.
    """

    def __init__(
        self,
        refresh_after: float = OFFSET_REFRESH_SECONDS,
        capacity: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresh_after = refresh_after
        self._capacity = capacity
        self._monotonic = monotonic
        # client_id → (monotonic time read, offset); insertion order is age, for eviction.
        self._offsets: dict[str, tuple[float, float]] = {}
        self._writing = threading.Lock()

    def now(self, session: Session, client_id: str, real_now: datetime) -> datetime:
        return shifted(real_now, self.offset(session, client_id))

    def offset(self, session: Session, client_id: str) -> float:
        seen = self._offsets.get(client_id)
        read_at = self._monotonic()
        if seen is not None and read_at - seen[0] < self._refresh_after:
            return seen[1]
        offset = offset_seconds(session, client_id)
        with self._writing:
            latest = self._offsets.get(client_id)
            # Another thread stored an offset while this one read (an advance remembered after
            # commit, or a read as fresh as this one): keep it rather than overwrite it.
            if latest is not seen and latest is not None:
                return latest[1]
            self._store(client_id, read_at, offset)
        return offset

    def remember(self, client_id: str, offset: float) -> None:
        with self._writing:
            self._store(client_id, self._monotonic(), offset)

    def remember_after_commit(self, session: Session, client_id: str, offset: float) -> None:
        """Remember `offset` once the session's transaction commits (never if it rolls back)."""
        event.listen(
            session, "after_commit", lambda _session: self.remember(client_id, offset), once=True
        )

    def _store(self, client_id: str, read_at: float, offset: float) -> None:
        self._offsets.pop(client_id, None)
        self._offsets[client_id] = (read_at, offset)
        if len(self._offsets) > self._capacity:
            del self._offsets[next(iter(self._offsets))]
