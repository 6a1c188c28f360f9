"""Timers on the sandbox clock: scheduled by each domain in the unit of work that needs one,
fired in (due_at, sequence) order with the client's time at each timer's due time, each by the
handler its domain registered for its kind."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from gingham.sandbox_clock.models import SandboxTimer

logger = logging.getLogger("gingham.sandbox_clock")

# A handler that schedules a timer due at once, every time it runs, would never let an advance end.
MAX_TIMERS_PER_ADVANCE = 100_000


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


def fire_until(
    session: Session,
    client_id: str,
    start: datetime,
    end: datetime,
    handlers: TimerHandlers,
    *,
    deadline: float | None = None,
) -> list[FiredTimer]:
    """Fire the client's pending timers due by `end`, in (due_at, sequence) order. The client's
    time moves from `start` to each timer's due time (never back: a timer already overdue fires
    at the time reached so far), and handlers may schedule timers that then fire in turn.
    `deadline` (time.monotonic()): fire no further timer once it has passed, leaving the rest
    pending; the first always fires."""
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
            if deadline is not None and time.monotonic() >= deadline:
                return fired
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
