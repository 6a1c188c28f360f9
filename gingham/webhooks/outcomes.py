"""The worker's side of the outbox: what became of each attempt it sent, recorded in one short
transaction, and the retry each failure schedules (gingham.webhooks.retries). Leases are taken
and kept in gingham.webhooks.leases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from gingham.webhooks.models import WebhookAttempt
from gingham.webhooks.outbox import (
    EXHAUSTED,
    FAILED,
    IN_FLIGHT,
    PENDING,
    SUCCEEDED,
    last_attempt,
    new_attempt,
)
from gingham.webhooks.retries import RetryProfile

_INSERT_ATTEMPT = insert(WebhookAttempt)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened when a claimed attempt was sent."""

    attempt_id: str
    succeeded: bool
    finished_at: datetime
    latency_ms: float
    response_status: int | None = None
    response_excerpt: str | None = None
    error: str | None = None
    verification: str | None = None


def next_due_at(session: Session) -> datetime | None:
    """When the earliest scheduled retry falls due (worker's clock), if one is pending."""
    return session.scalar(
        select(func.min(WebhookAttempt.due_at)).where(WebhookAttempt.status == PENDING)
    )


_RECORD_SUCCESS = (
    update(WebhookAttempt)
    .where(
        WebhookAttempt.id == bindparam("b_id"),
        WebhookAttempt.status == IN_FLIGHT,
        WebhookAttempt.claimed_by == bindparam("b_worker"),
    )
    .values(
        status=SUCCEEDED,
        claimed_until=None,
        finished_at=bindparam("b_finished"),
        response_status=bindparam("b_status"),
        response_excerpt=bindparam("b_excerpt"),
        latency_ms=bindparam("b_latency"),
        verification=bindparam("b_verification"),
        error=None,
    )
)


def record_outcomes(
    session: Session,
    outcomes: Sequence[Outcome],
    *,
    worker_id: str,
    profile: RetryProfile,
    now: datetime,
) -> None:
    """Write what the sends returned, and schedule the next attempt of each that failed.

    An outcome counts only while its worker still holds the attempt: if the lease ran out and
    another worker took the attempt over, that worker's outcome is the one recorded.
    """
    successes = [outcome for outcome in outcomes if outcome.succeeded]
    if successes:
        # The common case in one statement: nothing follows a success.
        session.connection().execute(
            _RECORD_SUCCESS,
            [
                {
                    "b_id": outcome.attempt_id,
                    "b_worker": worker_id,
                    "b_finished": outcome.finished_at,
                    "b_status": outcome.response_status,
                    "b_excerpt": outcome.response_excerpt,
                    "b_latency": outcome.latency_ms,
                    "b_verification": outcome.verification,
                }
                for outcome in successes
            ],
        )
    for outcome in outcomes:
        if outcome.succeeded:
            continue
        held = (
            (WebhookAttempt.id == outcome.attempt_id)
            & (WebhookAttempt.status == IN_FLIGHT)
            & (WebhookAttempt.claimed_by == worker_id)
        )
        row = session.execute(
            select(WebhookAttempt.event_id, WebhookAttempt.attempt).where(held)
        ).one_or_none()
        if row is None:
            continue
        next_due = None
        if not _has_live_attempt(session, row.event_id, outcome):
            next_due = profile.next_due(row.attempt, now)
        status = FAILED if next_due else EXHAUSTED
        session.execute(
            update(WebhookAttempt)
            .where(held)
            .values(
                status=status,
                claimed_until=None,
                finished_at=outcome.finished_at,
                response_status=outcome.response_status,
                response_excerpt=outcome.response_excerpt,
                latency_ms=outcome.latency_ms,
                error=outcome.error,
                verification=outcome.verification,
            ),
            execution_options={"synchronize_session": False},
        )
        if next_due is not None:
            session.execute(
                _INSERT_ATTEMPT,
                new_attempt(row.event_id, last_attempt(session, row.event_id) + 1, next_due),
            )


def _has_live_attempt(session: Session, event_id: str, outcome: Outcome) -> bool:
    """Whether another attempt of the event is pending, in flight or succeeded (a redelivery
    made meanwhile): then a failure schedules no retry of its own."""
    return (
        session.scalar(
            select(WebhookAttempt.id)
            .where(
                WebhookAttempt.event_id == event_id,
                WebhookAttempt.id != outcome.attempt_id,
                WebhookAttempt.status.in_((PENDING, IN_FLIGHT, SUCCEEDED)),
            )
            .limit(1)
        )
        is not None
    )
