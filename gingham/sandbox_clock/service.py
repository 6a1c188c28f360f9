"""Each API client's sandbox clock, and the timers that fire on it.

A client's time is real time plus an offset that only grows: `advance_clock` moves it forward and,
on the way, fires every timer that falls due in the skipped interval, in (due_at, sequence) order,
each handler seeing the client's time as that timer's due time. Timers that come due as real time
passes are fired by `fire_due_timers`, which a background loop calls.

Only business time is simulated. Anything that leaves Gingham with a timestamp a receiver checks
(the `iat` of a webhook signature) uses real time.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, event, func, insert, select
from sqlalchemy.orm import Session

from gingham import driver_queries, errors
from gingham.clients.models import ApiClient
from gingham.sandbox_clock.durations import Duration, add_months
from gingham.sandbox_clock.models import SandboxClock, SandboxTimer
from gingham.webhooks import outbox as webhooks_outbox

logger = logging.getLogger("gingham.sandbox_clock")

# One advance covers at most this many calendar years, as Stripe's test clocks do: a mistyped
# `to` should not replay decades of timers.
MAX_ADVANCE_YEARS = 2
# A handler that schedules a timer due at once, every time it runs, would never let an advance end.
MAX_TIMERS_PER_ADVANCE = 100_000
# How long a process trusts the offsets it has read (seconds): another process's advance is seen
# within this time; the advancing process sees its own at once.
OFFSET_REFRESH_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ClockState:
    client_id: str
    now: datetime
    offset_seconds: float
    real_now: datetime


# --- Offsets --------------------------------------------------------------------------------


def offset_seconds(session: Session, client_id: str) -> float:
    """How far the client's time runs ahead of real time, read from the database."""
    offset = driver_queries.CLOCK_OFFSET.first(session, client_id=client_id)
    return float(offset or 0.0)


def client_now(session: Session, client_id: str, real_now: datetime) -> datetime:
    return _shifted(real_now, offset_seconds(session, client_id))


def clock_state(session: Session, client_id: str, real_now: datetime) -> ClockState:
    offset = offset_seconds(session, client_id)
    return ClockState(client_id, _shifted(real_now, offset), offset, real_now)


def _shifted(real_now: datetime, offset: float) -> datetime:
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
        return _shifted(real_now, self.offset(session, client_id))

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


# --- Timers ---------------------------------------------------------------------------------


@dataclass(slots=True)
class TimerContext:
    """What a timer handler gets: the unit of work it runs in, the client's time as the timer
    fires (its due time during an advance), the timer, and the time this run of timers goes
    to (an advance's target; `now` when real time fired the timer)."""

    session: Session
    client_id: str
    now: datetime
    timer: SandboxTimer
    until: datetime

    def coalesced(self, due_at: datetime) -> datetime:
        """When to run a periodic job next that would be due at `due_at`: then, or, when this
        run goes further, at its end. A year's advance then runs a daily job twice rather than
        365 times; the job catches up on the days between, as it would after any gap."""
        return max(due_at, self.until)

    def schedule(
        self,
        *,
        due_at: datetime,
        kind: str,
        subject_id: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> str:
        """Schedule another timer for the same client; one due within an advance fires in it."""
        return schedule_timer(
            self.session,
            self.client_id,
            due_at=due_at,
            kind=kind,
            subject_id=subject_id,
            payload=payload,
        )


TimerHandler = Callable[[TimerContext], None]
# Timer kind → the handler that runs when a timer of that kind fires. Each domain that schedules
# timers exposes its own as TIMER_HANDLERS; gingham.app merges them, and every process that fires
# timers (the server, `gingham worker`) is handed the merged mapping.
TimerHandlers = Mapping[str, TimerHandler]


def merge_timer_handlers(*mappings: TimerHandlers) -> dict[str, TimerHandler]:
    """One mapping from several; a kind may have only one handler."""
    merged: dict[str, TimerHandler] = {}
    for mapping in mappings:
        for kind, handler in mapping.items():
            registered = merged.get(kind)
            if registered is not None and registered is not handler:
                raise ValueError(
                    f"a handler for timer kind {kind!r} is already registered: {registered}"
                )
            merged[kind] = handler
    return merged


# Strictly increasing in this process, and wall-clock nanoseconds, so that timers scheduled by
# different processes also order by when they were scheduled.
_sequence_lock = threading.Lock()
_last_sequence = 0


def _next_sequence() -> int:
    global _last_sequence
    with _sequence_lock:
        _last_sequence = max(_last_sequence + 1, time.time_ns())
        return _last_sequence


# Counts timers scheduled in a session: an advance asks again for the next due timer only when
# a handler has scheduled one.
_SCHEDULED = "sandbox_timers_scheduled"


def schedule_timer(
    session: Session,
    client_id: str,
    *,
    due_at: datetime,
    kind: str,
    subject_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> str:
    """Fire the `kind` handler when the client's time reaches `due_at` (at the next advance or
    `fire_due_timers` if that is already past); the timer's id."""
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    # A Core INSERT: linking schedules timers, and the ORM's unit of work costs several times
    # the statement.
    timer_id = str(uuid.uuid4())
    session.connection().execute(
        _INSERT_TIMER,
        {
            "id": timer_id,
            "client_id": client_id,
            "due_at": due_at,
            "sequence": _next_sequence(),
            "kind": kind,
            "subject_id": subject_id,
            "payload": payload or {},
            "fired_at": None,
        },
    )
    session.info[_SCHEDULED] = session.info.get(_SCHEDULED, 0) + 1
    return timer_id


_INSERT_TIMER = insert(SandboxTimer)


def cancel_timers(
    session: Session, client_id: str, *, subject_id: str, kind: str | None = None
) -> int:
    """Drop the pending timers of one subject (of one kind, if given); how many there were."""
    timers = session.scalars(
        _pending(client_id).where(
            SandboxTimer.subject_id == subject_id,
            *([SandboxTimer.kind == kind] if kind is not None else []),
        )
    ).all()
    for timer in timers:
        session.delete(timer)
    return len(timers)


def pending_timers(session: Session, client_id: str) -> Sequence[SandboxTimer]:
    return session.scalars(
        _pending(client_id).order_by(SandboxTimer.due_at, SandboxTimer.sequence)
    ).all()


def _pending(client_id: str) -> Select[tuple[SandboxTimer]]:
    return select(SandboxTimer).where(
        SandboxTimer.fired_at.is_(None), SandboxTimer.client_id == client_id
    )


@dataclass(frozen=True, slots=True)
class FiredTimer:
    kind: str
    subject_id: str | None
    due_at: datetime
    # The client's time the handler saw.
    fired_at: datetime


def _fire_until(
    session: Session, client_id: str, start: datetime, end: datetime, handlers: TimerHandlers
) -> list[FiredTimer]:
    """Fire the client's pending timers due by `end`, in (due_at, sequence) order. The client's
    time moves from `start` to each timer's due time (never back: a timer already overdue fires
    at the time reached so far), and handlers may schedule timers that then fire in turn."""
    fired: list[FiredTimer] = []
    now = start
    due = (
        _pending(client_id)
        .where(SandboxTimer.due_at <= end)
        .order_by(SandboxTimer.due_at, SandboxTimer.sequence)
        .limit(100)
    )
    while batch := session.scalars(due).all():
        for timer in batch:
            scheduled = session.info.get(_SCHEDULED, 0)
            now = max(now, timer.due_at)
            _fire(session, timer, now, end, handlers)
            fired.append(FiredTimer(timer.kind, timer.subject_id, timer.due_at, now))
            if len(fired) > MAX_TIMERS_PER_ADVANCE:
                raise RuntimeError(
                    f"{len(fired)} timers fired in one go for client {client_id}: a handler keeps "
                    "scheduling timers due at once"
                )
            # A timer just scheduled may be due before the rest of the batch.
            if session.info.get(_SCHEDULED, 0) != scheduled:
                break
    return fired


def _fire(
    session: Session,
    timer: SandboxTimer,
    now: datetime,
    until: datetime,
    handlers: TimerHandlers,
) -> None:
    timer.fired_at = now
    handler = handlers.get(timer.kind)
    if handler is None:
        logger.warning(
            "no handler for timer kind %r (timer %s, client %s): marked fired",
            timer.kind,
            timer.id,
            timer.client_id,
        )
        return
    handler(TimerContext(session, timer.client_id, now, timer, max(now, until)))
    session.flush()


# --- Advancing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Advance:
    clock: ClockState
    fired: list[FiredTimer]


def forward_only() -> errors.InvalidRequest:
    return errors.invalid_field("clocks only move forward")


def advance_clock(
    session: Session,
    client_id: str,
    *,
    by: timedelta | Duration | None = None,
    to: datetime | None = None,
    real_now: datetime,
    handlers: TimerHandlers,
    clocks: ClientClocks | None = None,
) -> Advance:
    """Move the client's time forward `by` a duration or `to` a later moment, firing every timer
    due on the way with `handlers`; INVALID_FIELD if that is not forward or more than MAX_ADVANCE_YEARS.
    `clocks`, if given, learns the new offset when the transaction commits."""
    if (by is None) == (to is None):
        raise errors.invalid_field("give either by (a duration) or to (a date-time), not both")
    if to is not None and to.tzinfo is None:
        raise ValueError("to must be timezone-aware")
    _lock_client(session, client_id)
    row = session.get(SandboxClock, client_id, populate_existing=True)
    start = _shifted(real_now, row.offset_seconds if row else 0.0)
    limit = add_months(start, 12 * MAX_ADVANCE_YEARS)
    try:
        target = to if to is not None else _added(start, by)
    except OverflowError:
        target = datetime.max.replace(tzinfo=start.tzinfo)
    if target <= start:
        raise forward_only()
    if target > limit:
        raise errors.invalid_field(
            f"one advance may cover at most {MAX_ADVANCE_YEARS} years (from "
            f"{start:%Y-%m-%dT%H:%M:%SZ} to {limit:%Y-%m-%dT%H:%M:%SZ} at most); advance in steps"
        )
    fired = _fire_until(session, client_id, start, target, handlers)
    # Webhook retries wait on real time: move the client's forward by the jump, so that those due
    # within the skipped interval go out now and later ones keep their distance.
    webhooks_outbox.bring_forward(session, client_id=client_id, by=target - start)

    offset = (target - real_now).total_seconds()
    if row is None:
        row = SandboxClock(client_id=client_id, offset_seconds=offset, updated_at=real_now)
        session.add(row)
    else:
        row.offset_seconds, row.updated_at = offset, real_now
    session.flush()
    if clocks is not None:
        clocks.remember_after_commit(session, client_id, offset)
    return Advance(ClockState(client_id, target, offset, real_now), fired)


def _added(start: datetime, by: timedelta | Duration | None) -> datetime:
    assert by is not None
    return start + by if isinstance(by, timedelta) else by.added_to(start)


def _lock_client(session: Session, client_id: str, *, skip_locked: bool = False) -> bool:
    """Serialise the advances and timer runs of one client across processes: the client's row,
    locked FOR NO KEY UPDATE, which still lets other transactions insert rows that reference it.
    (SQLite takes the database's write lock at BEGIN IMMEDIATE instead.) False if skip_locked
    and another transaction holds it."""
    locked = session.scalar(
        select(ApiClient.id)
        .where(ApiClient.id == client_id)
        .with_for_update(key_share=True, skip_locked=skip_locked)
    )
    if locked is None and not skip_locked:
        raise errors.invalid_field(f"no API client has client_id {client_id!r}")
    return locked is not None


def fire_due_timers(
    session: Session, real_now: datetime, handlers: TimerHandlers
) -> list[FiredTimer]:
    """Fire the timers that real time has brought due, for every client, each at that client's
    time. A client whose clock another transaction is advancing is left to that advance. A
    handler that fails undoes only its client's timers of this run, which stay pending."""
    earliest_pending = session.execute(
        select(SandboxTimer.client_id, func.min(SandboxTimer.due_at))
        .where(SandboxTimer.fired_at.is_(None))
        .group_by(SandboxTimer.client_id)
    ).all()
    offsets: dict[str, float] = {}
    if earliest_pending:
        offsets = {
            client_id: offset
            for client_id, offset in session.execute(
                select(SandboxClock.client_id, SandboxClock.offset_seconds).where(
                    SandboxClock.client_id.in_([client_id for client_id, _ in earliest_pending])
                )
            )
        }
    fired: list[FiredTimer] = []
    for client_id, earliest in sorted(earliest_pending):
        if earliest > _shifted(real_now, offsets.get(client_id, 0.0)):
            continue
        try:
            with session.begin_nested():
                if not _lock_client(session, client_id, skip_locked=True):
                    continue
                now = client_now(session, client_id, real_now)
                fired += _fire_until(session, client_id, now, now, handlers)
        except Exception:
            logger.exception(
                "a timer handler failed for client %s; its timers stay pending", client_id
            )
    return fired
