"""Leases on webhook attempts: how delivery workers share the outbox.

A worker claims due attempts by taking their lease (in_flight, `claimed_by` its id,
`claimed_until` a short wall-clock time ahead) and renews the lease while it sends. A lease that
runs out makes the attempt claimable again, so a worker that dies loses nothing; a server
restarted on the same host frees its dead workers' leases at once; a worker that stops gives back
what it did not finish. What a send returned is recorded by `outcomes.record_outcomes`, which counts
only while the lease is held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from gingham.webhooks.models import WebhookAttempt, WebhookEvent
from gingham.webhooks.outbox import IN_FLIGHT, PENDING


@dataclass(frozen=True, slots=True)
class Claimed:
    """An attempt a worker holds the lease of, with what it must send."""

    attempt_id: str
    event_id: str
    attempt: int
    url: str
    payload: dict[str, Any]


def claim_due_attempts(
    session: Session,
    *,
    worker_id: str,
    now: datetime,
    wall_now: datetime,
    lease: timedelta,
    limit: int,
) -> list[Claimed]:
    """Take the lease of up to `limit` due attempts: pending ones due at once or by `now` (the
    worker's clock), and in_flight ones whose lease ran out by `wall_now`.

    On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers claim
    disjoint sets; SQLite renders no FOR UPDATE, and its writers are serialised by BEGIN
    IMMEDIATE, which gives the same guarantee.
    """
    due = or_(
        and_(
            WebhookAttempt.status == PENDING,
            or_(WebhookAttempt.due_at.is_(None), WebhookAttempt.due_at <= now),
        ),
        and_(WebhookAttempt.status == IN_FLIGHT, WebhookAttempt.claimed_until <= wall_now),
    )
    rows = session.execute(
        select(
            WebhookAttempt.id,
            WebhookAttempt.event_id,
            WebhookAttempt.attempt,
            WebhookEvent.url,
            WebhookEvent.payload,
        )
        .join(WebhookEvent, WebhookEvent.id == WebhookAttempt.event_id)
        .where(due)
        # Oldest first: immediate attempts, then retries by due time, each in event order.
        .order_by(
            WebhookAttempt.due_at.asc().nulls_first(), WebhookEvent.created_at, WebhookAttempt.id
        )
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookAttempt)
    ).all()
    if not rows:
        return []
    session.execute(
        update(WebhookAttempt)
        .where(WebhookAttempt.id.in_([row.id for row in rows]))
        .values(
            status=IN_FLIGHT,
            claimed_by=worker_id,
            claimed_until=wall_now + lease,
            started_at=wall_now,
        ),
        execution_options={"synchronize_session": False},
    )
    return [Claimed(row.id, row.event_id, row.attempt, row.url, row.payload) for row in rows]


def renew_leases(
    session: Session, attempt_ids: Iterable[str], *, worker_id: str, until: datetime
) -> None:
    """Extend the leases a live worker holds, so that a short lease can stand for "the worker
    is alive" and a dead worker's attempts are taken over within one lease."""
    ids = list(attempt_ids)
    if ids:
        session.execute(
            update(WebhookAttempt).where(*_held_by(worker_id, ids)).values(claimed_until=until),
            execution_options={"synchronize_session": False},
        )


def free_attempts_of_dead_workers(
    session: Session, *, host: str, is_alive: Callable[[int], bool], wall_now: datetime
) -> int:
    """End at once the leases of workers on this host whose process is gone (a worker's id is
    `host:pid:…`), so a restarted server sends their in-flight attempts without waiting for the
    leases to run out. The number of attempts freed."""
    holders = session.scalars(
        select(WebhookAttempt.claimed_by).where(WebhookAttempt.status == IN_FLIGHT).distinct()
    ).all()
    dead = []
    for holder in holders:
        parts = (holder or "").split(":")
        mine = len(parts) >= 2 and parts[0] == host and parts[1].isdigit()
        if mine and not is_alive(int(parts[1])):
            dead.append(holder)
    if not dead:
        return 0
    freed = session.execute(
        update(WebhookAttempt)
        .where(WebhookAttempt.status == IN_FLIGHT, WebhookAttempt.claimed_by.in_(dead))
        .values(claimed_until=wall_now),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(freed, "rowcount", 0) or 0)


def release_attempts(session: Session, attempt_ids: Iterable[str], *, worker_id: str) -> None:
    """Give back attempts a stopping worker did not finish: pending again, due as they were."""
    ids = list(attempt_ids)
    if ids:
        session.execute(
            update(WebhookAttempt)
            .where(*_held_by(worker_id, ids))
            .values(status=PENDING, claimed_by=None, claimed_until=None, started_at=None),
            execution_options={"synchronize_session": False},
        )


def _held_by(worker_id: str, attempt_ids: list[str]) -> tuple[ColumnElement[bool], ...]:
    """Those of `attempt_ids` still in flight under `worker_id`'s lease."""
    return (
        WebhookAttempt.id.in_(attempt_ids),
        WebhookAttempt.status == IN_FLIGHT,
        WebhookAttempt.claimed_by == worker_id,
    )
