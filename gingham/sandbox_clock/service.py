"""Moving each API client's sandbox clock, and firing the timers it reaches.

A client's time is real time plus an offset (gingham.sandbox_clock.offsets) that only grows: `advance_clock` moves it forward and,
on the way, fires every timer that falls due in the skipped interval, in (due_at, sequence) order,
each handler seeing the client's time as that timer's due time. Timers that come due as real time
passes are fired by `fire_due_timers`, which a background loop calls. Timers themselves are
gingham.sandbox_clock.timers.

Only business time is simulated. Anything that leaves Gingham with a timestamp a receiver checks
(the `iat` of a webhook signature) uses real time.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients.models import ApiClient
from gingham.sandbox_clock.durations import Duration, add_months
from gingham.sandbox_clock.models import SandboxClock, SandboxTimer
from gingham.sandbox_clock.offsets import ClientClocks, ClockState, client_now, shifted
from gingham.sandbox_clock.timers import FiredTimer, TimerHandlers, fire_until
from gingham.webhooks import outbox as webhooks_outbox

logger = logging.getLogger("gingham.sandbox_clock")

# One advance covers at most this many calendar years, as Stripe's test clocks do: a mistyped
# `to` should not replay decades of timers.
MAX_ADVANCE_YEARS = 2


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
    start = shifted(real_now, row.offset_seconds if row else 0.0)
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
    fired = fire_until(session, client_id, start, target, handlers)
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
    session: Session, real_now: datetime, handlers: TimerHandlers, *, deadline: float | None = None
) -> list[FiredTimer]:
    """Fire the timers that real time has brought due, for every client, each at that client's
    time. A client whose clock another transaction is advancing is left to that advance. A
    handler that fails undoes only its client's timers of this run, which stay pending.
    `deadline` (time.monotonic()): fire no further timer once it has passed; the rest stay
    pending for the next call."""
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
        if deadline is not None and fired and time.monotonic() >= deadline:
            break
        if earliest > shifted(real_now, offsets.get(client_id, 0.0)):
            continue
        try:
            with session.begin_nested():
                if not _lock_client(session, client_id, skip_locked=True):
                    continue
                now = client_now(session, client_id, real_now)
                fired += fire_until(session, client_id, now, now, handlers, deadline=deadline)
        except Exception:
            logger.exception(
                "a timer handler failed for client %s; its timers stay pending", client_id
            )
    return fired
