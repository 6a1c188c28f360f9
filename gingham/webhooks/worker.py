"""The delivery worker: claims due attempts from the outbox, signs and POSTs them, records what
the receiver answered and schedules retries.

It runs as an asyncio task inside `gingham serve` (woken right after a commit that enqueued, and
polling besides), or alone as `gingham worker`; any number of workers can share one database.
All database work happens one step at a time from the worker's own loop — claim and record in
one short transaction — so sends overlap while the database sees a single client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import httpx
from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import Clock, SystemClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.webhook_inbox.service import INBOX_PATH
from gingham.webhooks import leases, signing
from gingham.webhooks.outcomes import Outcome, next_due_at, record_outcomes
from gingham.webhooks.retries import RetryProfile, retry_profile
from gingham.webhooks.transport import (
    DELIVERY_TIMEOUT_SECONDS,
    HttpTransport,
    WebhookTransport,
    delivery_headers,
)
from gingham.wire import json

logger = logging.getLogger("gingham.webhooks")

# Longer than a delivery can take, so a live worker never loses an attempt to another.
# A worker renews its leases every third of a lease while it sends: a lease that runs out means
# its worker is gone, and another worker (or the same server, restarted) sends the attempt.
DEFAULT_LEASE = timedelta(seconds=15)
# How often the worker looks for a rotated signing key.
KEY_CHECK_SECONDS = 1.0
# While sends are under way, how long the worker waits after one ends before it records it.
COALESCE_SECONDS = 0.002

T = TypeVar("T")


def _host() -> str:
    return socket.gethostname()[:32]


def default_worker_id() -> str:
    return f"{_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


class DeliveryWorker:
    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        transport: WebhookTransport,
        secrets: SecretBox,
        clock: Clock,
        profile: RetryProfile,
        wall_clock: Clock | None = None,
        worker_id: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
        max_in_flight: int = 64,
        poll_interval: float = 0.2,
        shutdown_grace: float = 5.0,
        database_in_threads: bool = False,
    ) -> None:
        self._session_factory = session_factory
        self._transport = transport
        self._secrets = secrets
        # Due times are on the sandbox clock; leases, the log's times and `iat` on the wall clock.
        self._clock = clock
        self._wall_clock = wall_clock or SystemClock()
        self.worker_id = worker_id or default_worker_id()
        self._profile = profile
        self._lease = lease
        self._max_in_flight = max_in_flight
        self._poll_interval = poll_interval
        self._shutdown_grace = shutdown_grace
        self._database_in_threads = database_in_threads
        self._key: signing.SigningKey | None = None
        self._key_checked = 0.0
        self._leases_renewed = time.monotonic()
        self._running: dict[asyncio.Task[None], leases.Claimed] = {}
        self._outcomes: list[Outcome] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False

    # --- Control ------------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for due attempts now. Safe to call from any thread (request handlers run in
        worker threads on PostgreSQL)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is loop:
                wake.set()
                return
        except RuntimeError:
            pass
        # The loop may close between the check above and this call (the server stopping).
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(wake.set)

    def stop(self) -> None:
        self._stopping = True
        self.wake()

    async def run(self) -> None:
        """Deliver until stop(); then wait up to the shutdown grace for sends under way and give
        back the attempts still unfinished, due as they were."""
        self._bind()
        assert self._wake is not None
        logger.debug("webhook worker %s started (%s retries)", self.worker_id, self._profile.name)
        with contextlib.suppress(Exception):
            freed = await self._database(self._free_attempts_of_dead_workers)
            if freed:
                logger.info(
                    "webhook worker %s: %d attempts of stopped workers", self.worker_id, freed
                )
        try:
            while not self._stopping:
                try:
                    pause = await self._step()
                except Exception:
                    # A database hiccup must not end delivery for good: try again shortly.
                    logger.exception("webhook worker %s: step failed", self.worker_id)
                    pause = self._poll_interval
                if self._stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=pause)
                self._wake.clear()
                if self._running:
                    # Under load, let a few more sends finish so one transaction records them.
                    await asyncio.sleep(COALESCE_SECONDS)
        finally:
            await self._shut_down()
            logger.info("webhook worker %s stopped", self.worker_id)

    async def run_until_idle(self) -> None:
        """Deliver until no attempt is in flight or due now on the sandbox clock (retries
        scheduled for later stay pending). For tests and for the sandbox clock's advance; never
        at the same time as run()."""
        self._bind()
        assert self._wake is not None
        while True:
            pause = await self._step()
            # Sends that ended while the step was at the database are recorded by the next one.
            if not self._running and not self._outcomes and pause > 0:
                return
            if self._running:
                # Back to a step at least every third of a lease, to renew the leases.
                await asyncio.wait(
                    set(self._running),
                    timeout=self._lease.total_seconds() / 3,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                await asyncio.sleep(COALESCE_SECONDS)

    # --- One step: record finished sends, claim due attempts, start their sends ----------------

    def _bind(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._wake = loop, asyncio.Event()

    async def _step(self) -> float:
        """Returns how long the loop may sleep before it should look again."""
        outcomes, self._outcomes = self._outcomes, []
        free = self._max_in_flight - len(self._running)
        try:
            claimed, key, next_due = await self._database(self._record_and_claim, outcomes, free)
        except Exception:
            self._outcomes[:0] = outcomes  # record them on the next step
            raise
        for item in claimed:
            assert key is not None
            task = asyncio.create_task(self._deliver(item, key))
            self._running[task] = item
            task.add_done_callback(self._finished)
        if claimed and len(claimed) == free:
            return 0.0 if not self._running else self._poll_interval
        if next_due is None:
            return self._poll_interval
        until_due = (next_due - self._clock.now()).total_seconds()
        return min(max(until_due, 0.0), self._poll_interval)

    def _free_attempts_of_dead_workers(self) -> int:
        with self._session_factory() as session, session.begin():
            return leases.free_attempts_of_dead_workers(
                session, host=_host(), is_alive=_process_alive, wall_now=self._wall_clock.now()
            )

    def _record_and_claim(
        self, outcomes: list[Outcome], free: int
    ) -> tuple[list[leases.Claimed], signing.SigningKey | None, datetime | None]:
        now = self._clock.now()
        with self._session_factory() as session, session.begin():
            if outcomes:
                record_outcomes(
                    session, outcomes, worker_id=self.worker_id, profile=self._profile, now=now
                )
            renewing = time.monotonic()
            if self._running and renewing - self._leases_renewed >= self._lease.total_seconds() / 3:
                leases.renew_leases(
                    session,
                    [claimed.attempt_id for claimed in self._running.values()],
                    worker_id=self.worker_id,
                    until=self._wall_clock.now() + self._lease,
                )
                self._leases_renewed = renewing
            claimed: list[leases.Claimed] = []
            if free > 0:
                claimed = leases.claim_due_attempts(
                    session,
                    worker_id=self.worker_id,
                    now=now,
                    wall_now=self._wall_clock.now(),
                    lease=self._lease,
                    limit=free,
                )
            key = self._signing_key(session) if claimed else None
            next_due = None if len(claimed) == free else next_due_at(session)
        return claimed, key, next_due

    def _signing_key(self, session: Session) -> signing.SigningKey:
        # A rotation is seen within a second; the private key is opened only when it changed.
        checked = time.monotonic()
        if self._key is not None and checked - self._key_checked < KEY_CHECK_SECONDS:
            return self._key
        if self._key is None or signing.active_key_id(session) != self._key.kid:
            self._key = signing.load_signing_key(session, self._secrets, self._wall_clock.now())
        self._key_checked = checked
        return self._key

    async def _deliver(self, claimed: leases.Claimed, key: signing.SigningKey) -> None:
        body = json.dumps(claimed.payload)
        verification = key.sign(body, iat=int(self._wall_clock.now().timestamp()))
        headers = delivery_headers(claimed.event_id, claimed.attempt, verification)
        started = time.perf_counter()
        try:
            response = await self._transport.post(claimed.url, body, headers)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outcome = Outcome(
                claimed.attempt_id,
                succeeded=False,
                finished_at=self._wall_clock.now(),
                latency_ms=_elapsed_ms(started),
                error=_describe(exc),
                verification=verification,
            )
        else:
            outcome = Outcome(
                claimed.attempt_id,
                succeeded=200 <= response.status < 300,
                finished_at=self._wall_clock.now(),
                latency_ms=_elapsed_ms(started),
                response_status=response.status,
                response_excerpt=response.excerpt,
                verification=verification,
            )
        if not outcome.succeeded:
            logger.info(
                "webhook %s attempt %d to %s failed: %s",
                claimed.event_id,
                claimed.attempt,
                claimed.url,
                outcome.error or f"HTTP {outcome.response_status}",
            )
        self._outcomes.append(outcome)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        if self._wake is not None:
            self._wake.set()

    async def _shut_down(self) -> None:
        if self._running:
            await asyncio.wait(set(self._running), timeout=self._shutdown_grace)
        unfinished = dict(self._running)
        for task in unfinished:
            task.cancel()
        if unfinished:
            await asyncio.wait(set(unfinished))
        self._running.clear()
        outcomes, self._outcomes = self._outcomes, []
        try:
            await self._database(self._record_and_release, outcomes, list(unfinished.values()))
        except Exception:
            # Whatever was not recorded is in flight until its lease runs out (at most one
            # lease), then sent again.
            logger.exception("webhook worker %s: could not record its last sends", self.worker_id)

    def _record_and_release(
        self, outcomes: list[Outcome], unfinished: list[leases.Claimed]
    ) -> None:
        with self._session_factory() as session, session.begin():
            record_outcomes(
                session,
                outcomes,
                worker_id=self.worker_id,
                profile=self._profile,
                now=self._clock.now(),
            )
            leases.release_attempts(
                session, (item.attempt_id for item in unfinished), worker_id=self.worker_id
            )

    async def _database(self, work: Callable[..., T], *args: object) -> T:
        if self._database_in_threads:
            return await asyncio.to_thread(work, *args)
        return work(*args)


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _describe(exc: Exception) -> str:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"no response within {DELIVERY_TIMEOUT_SECONDS:.0f} s"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {exc}" if str(exc) else "could not connect"
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def delivery_worker(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    secrets: SecretBox,
    clock: Clock,
    http: httpx.AsyncClient,
) -> DeliveryWorker:
    """The worker as `gingham serve` and `gingham worker` run it, from the settings."""
    return DeliveryWorker(
        session_factory=session_factory,
        transport=HttpTransport(
            http,
            allow_private=settings.webhook_private_addresses,
            own_prefixes=(settings.base_url + INBOX_PATH,),
        ),
        secrets=secrets,
        clock=clock,
        profile=retry_profile(settings.webhook_retry),
        # A network database's round trips run in threads so sends keep flowing meanwhile.
        database_in_threads=not settings.is_sqlite,
    )
