"""The loop that fires timers as real time brings them due, without an advance.

It runs as an asyncio task beside the webhook worker, inside `gingham serve` and in every
`gingham worker` process. Once a tick it calls `service.fire_due_timers` in a thread, so that
timer handlers never hold up the event loop, in transactions of their own that each fire timers
for about FIRING_SECONDS_PER_TRANSACTION. Timers can be many (an Item's transaction pulls, for
every Item linked lately) and some slow (a pull generates months of transactions): fired in one
transaction they held SQLite's one write lock for seconds, and requests waiting for it in
SQLite's busy handler failed with "database is locked". Between two transactions the loop pauses,
so that requests and other processes waiting for the lock take it. Any number of loops
can share one database: `fire_due_timers` takes each client's lock with SKIP LOCKED, so a client
whose timers one loop (or an advance) is firing is skipped by the others, and a timer fires once.

Webhooks the handlers enqueue go out when the loop's transaction commits: a worker that shares
the loop's session factory is woken by the commit (outbox.call_after_enqueueing_commits), and
other workers find them on their next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import Clock
from gingham.sandbox_clock import service, timers

logger = logging.getLogger("gingham.sandbox_clock")

# How often the loop looks for due timers: a timer fires at most this long after it came due.
TIMER_TICK_SECONDS = 1.0
# A transaction fires no further timer after this long (its first always fires).
FIRING_SECONDS_PER_TRANSACTION = 0.05
# Between two transactions of one tick: time for whoever waits for the write lock to take it.
PAUSE_BETWEEN_TRANSACTIONS_SECONDS = 0.02


class TimerLoop:
    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        clock: Clock,
        handlers: timers.TimerHandlers,
        tick: float = TIMER_TICK_SECONDS,
    ) -> None:
        self._session_factory = session_factory
        self._handlers = handlers
        # Real time; each client's time is this plus its offset.
        self._clock = clock
        self._tick = tick
        self._stopping = False
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def stop(self) -> None:
        """End run() after the tick under way, if any. Safe to call from any thread."""
        self._stopping = True
        loop, stop = self._loop, self._stop
        if loop is None or stop is None or loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is loop:
                stop.set()
                return
        except RuntimeError:
            pass
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(stop.set)

    async def run(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        logger.debug("sandbox timer loop started (every %g s)", self._tick)
        try:
            while not self._stopping:
                try:
                    await self._fire_what_is_due()
                except Exception:
                    # A database hiccup must not stop timers for good: try again next tick.
                    logger.exception("sandbox timer loop: firing due timers failed")
                if self._stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=self._tick)
        finally:
            logger.info("sandbox timer loop stopped")

    async def _fire_what_is_due(self) -> None:
        """Fire what is due, a transaction at a time, until nothing is; or until a tick has fired
        as many timers as an advance may (a handler that keeps scheduling timers due at once
        must not keep the loop busy for good)."""
        fired = 0
        while some := await asyncio.to_thread(self.fire_some):
            fired += len(some)
            if self._stopping:
                return
            if fired > timers.MAX_TIMERS_PER_ADVANCE:
                logger.error(
                    "sandbox timer loop: %d timers fired in one tick; the rest wait", fired
                )
                return
            await asyncio.sleep(PAUSE_BETWEEN_TRANSACTIONS_SECONDS)

    def fire_some(self) -> list[timers.FiredTimer]:
        """Fire due timers for about FIRING_SECONDS_PER_TRANSACTION, and commit; none when
        none is due."""
        deadline = time.monotonic() + FIRING_SECONDS_PER_TRANSACTION
        with self._session_factory() as session, session.begin():
            fired = service.fire_due_timers(
                session, self._clock.now(), self._handlers, deadline=deadline
            )
        if fired:
            logger.info("fired %d sandbox timer(s) that came due", len(fired))
        return fired
