"""The loop that fires timers as real time brings them due, without an advance.

It runs as an asyncio task beside the webhook worker, inside `gingham serve` and in every
`gingham worker` process. Once a tick it calls `service.fire_due_timers` in a short transaction of
its own, in a thread, so that timer handlers never hold up the event loop. Any number of loops
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

from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import Clock
from gingham.sandbox_clock import service, timers

logger = logging.getLogger("gingham.sandbox_clock")

# How often the loop looks for due timers: a timer fires at most this long after it came due.
TIMER_TICK_SECONDS = 1.0


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
                    await asyncio.to_thread(self.fire_due)
                except Exception:
                    # A database hiccup must not stop timers for good: try again next tick.
                    logger.exception("sandbox timer loop: firing due timers failed")
                if self._stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=self._tick)
        finally:
            logger.info("sandbox timer loop stopped")

    def fire_due(self) -> list[timers.FiredTimer]:
        """One tick: fire every client's timers that real time has brought due, and commit."""
        with self._session_factory() as session, session.begin():
            fired = service.fire_due_timers(session, self._clock.now(), self._handlers)
        if fired:
            logger.info("fired %d sandbox timer(s) that came due", len(fired))
        return fired
