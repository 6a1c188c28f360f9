"""Waiting until delivery attempts have finished, for a caller that wants the webhooks its change
caused to have arrived before it goes on: the sandbox clock's advance with `wait_for_webhooks`,
and `gingham clock advance --wait`.

Workers deliver (the one inside `gingham serve`, or `gingham worker` processes); this only
watches the outbox, in short transactions of its own, so it runs after the transaction that
enqueued has committed. Where no worker runs, it waits out its bound and reports the attempts
still pending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from gingham.webhooks import outbox

# Longer than a delivery can take (10 s) with a retry or two on the compressed curve; short
# enough that a caller with no worker running hears back.
WAIT_FOR_WEBHOOKS_SECONDS = 30.0
POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class DeliveryTally:
    """What became of the attempts waited for: sent and accepted, sent and refused (or not
    reached; a retry may follow later), or still pending or in flight when the wait ended."""

    delivered: int
    failed: int
    pending: int

    def json(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "pending": self.pending}


def tally(session_factory: sessionmaker[Session], attempt_ids: Sequence[str]) -> DeliveryTally:
    if not attempt_ids:
        return DeliveryTally(0, 0, 0)
    with session_factory() as session, session.begin():
        counts = outbox.count_statuses(session, attempt_ids)
    return DeliveryTally(
        delivered=counts.get(outbox.SUCCEEDED, 0),
        failed=counts.get(outbox.FAILED, 0) + counts.get(outbox.EXHAUSTED, 0),
        pending=counts.get(outbox.PENDING, 0) + counts.get(outbox.IN_FLIGHT, 0),
    )


async def wait_for_attempts(
    session_factory: sessionmaker[Session],
    attempt_ids: Sequence[str],
    *,
    timeout: float = WAIT_FOR_WEBHOOKS_SECONDS,
    poll_interval: float = POLL_SECONDS,
    database_in_threads: bool = False,
) -> DeliveryTally:
    """Poll until none of the attempts is pending or in flight, or `timeout` seconds have
    passed; what became of them. The event loop stays free meanwhile (an in-process worker
    delivers on it), and with `database_in_threads` so does each look at the database."""
    deadline = time.monotonic() + timeout
    while True:
        if database_in_threads:
            current = await asyncio.to_thread(tally, session_factory, attempt_ids)
        else:
            current = tally(session_factory, attempt_ids)
        remaining = deadline - time.monotonic()
        if current.pending == 0 or remaining <= 0:
            return current
        await asyncio.sleep(min(poll_interval, remaining))
