"""The transactional outbox: webhooks are rows written in the transaction of the state change
that caused them, and a worker delivers them after that transaction commits.

An event is the exact body Plaid would POST and the URL it goes to; each try at delivering it is
an attempt row. A first attempt (and a redelivery) is due at once; retries are due at times on the
worker's Clock, which is real time in production. Business time — an API client's sandbox clock,
which may run ahead of real time — only stamps the event's `created_at`; a clock that jumps ahead
makes the client's scheduled retries due with `bring_forward`. Leases (gingham.webhooks.leases) and
the delivery log's start and finish times (gingham.webhooks.log) are wall-clock times.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from gingham import errors
from gingham.items.service import ItemRecord
from gingham.webhooks.models import WebhookAttempt, WebhookEvent

PENDING = "pending"
IN_FLIGHT = "in_flight"
SUCCEEDED = "succeeded"
FAILED = "failed"
EXHAUSTED = "exhausted"


# --- Enqueueing -------------------------------------------------------------------------------

# Set on a session that enqueued, so the in-process worker can be woken when it commits.
_ENQUEUED = "gingham.webhooks.enqueued"

_INSERT_EVENT = insert(WebhookEvent)
_INSERT_ATTEMPT = insert(WebhookAttempt)


def enqueue_webhook(
    session: Session,
    *,
    item: ItemRecord,
    webhook_type: str,
    webhook_code: str,
    fields: Mapping[str, Any],
    now: datetime,
) -> str | None:
    """Queue a webhook about `item` to its webhook URL, in the caller's transaction; the event id,
    or None when the Item has no webhook URL (nothing is sent then). It is sent as soon as the
    transaction has committed; `now` (the caller's business time) is the event's created_at.

    The body is {webhook_type, webhook_code, **fields, environment}: `fields` carries everything
    else Plaid's payload has, `item_id` included, and nothing Plaid's payload lacks.
    """
    if not item.webhook:
        return None
    payload = {
        "webhook_type": webhook_type,
        "webhook_code": webhook_code,
        **fields,
        "environment": item.environment,
    }
    return enqueue_event(
        session,
        client_id=item.client_id,
        environment=item.environment,
        item_id=item.id,
        url=item.webhook,
        payload=payload,
        now=now,
    )


def enqueue_event(
    session: Session,
    *,
    client_id: str,
    environment: str,
    item_id: str | None,
    url: str,
    payload: dict[str, Any],
    now: datetime,
) -> str:
    """Queue `payload` for `url` with its first attempt due at once; the event id."""
    event_id = str(uuid.uuid4())
    connection = session.connection()
    connection.execute(
        _INSERT_EVENT,
        {
            "id": event_id,
            "client_id": client_id,
            "item_id": item_id,
            "url": url,
            "webhook_type": payload["webhook_type"],
            "webhook_code": payload["webhook_code"],
            "payload": payload,
            "environment": environment,
            "created_at": now,
        },
    )
    connection.execute(_INSERT_ATTEMPT, new_attempt(event_id, 1, None))
    session.info[_ENQUEUED] = True
    return event_id


def new_attempt(event_id: str, number: int, due_at: datetime | None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "event_id": event_id,
        "attempt": number,
        "due_at": due_at,
        "status": PENDING,
        "claimed_by": None,
        "claimed_until": None,
        "started_at": None,
        "finished_at": None,
        "response_status": None,
        "response_excerpt": None,
        "latency_ms": None,
        "error": None,
        "verification": None,
    }


def call_after_enqueueing_commits(
    session_factory: sessionmaker[Session], callback: Callable[[], None]
) -> None:
    """Run `callback` after each commit of a session from `session_factory` that enqueued."""

    def after_commit(session: Session) -> None:
        if session.info.pop(_ENQUEUED, False):
            callback()

    def after_rollback(session: Session) -> None:
        session.info.pop(_ENQUEUED, None)

    event.listen(session_factory, "after_commit", after_commit)
    event.listen(session_factory, "after_rollback", after_rollback)


def last_attempt(session: Session, event_id: str) -> int:
    return (
        session.scalar(
            select(func.max(WebhookAttempt.attempt)).where(WebhookAttempt.event_id == event_id)
        )
        or 0
    )


def bring_forward(session: Session, *, client_id: str, by: timedelta) -> int:
    """Make the client's scheduled retries due `by` sooner: for a sandbox clock that jumps ahead,
    so that retries falling due within the skipped interval go out at once. The number of
    attempts moved."""
    # Row by row in Python: SQLite keeps datetimes as text, so no portable SQL arithmetic.
    scheduled = session.execute(
        select(WebhookAttempt.id, WebhookAttempt.due_at)
        .join(WebhookEvent, WebhookEvent.id == WebhookAttempt.event_id)
        .where(
            WebhookEvent.client_id == client_id,
            WebhookAttempt.status == PENDING,
            WebhookAttempt.due_at.is_not(None),
        )
    ).all()
    for attempt_id, due_at in scheduled:
        session.execute(
            update(WebhookAttempt)
            .where(WebhookAttempt.id == attempt_id, WebhookAttempt.status == PENDING)
            .values(due_at=due_at - by),
            execution_options={"synchronize_session": False},
        )
    if scheduled:
        session.info[_ENQUEUED] = True
    return len(scheduled)


def unfinished_due_attempts(session: Session, *, client_id: str, now: datetime) -> list[str]:
    """The ids of the client's attempts that are due by `now` (the worker's clock) and not
    finished: pending ones due at once or by then, and those in flight."""
    return list(
        session.scalars(
            select(WebhookAttempt.id)
            .join(WebhookEvent, WebhookEvent.id == WebhookAttempt.event_id)
            .where(
                WebhookEvent.client_id == client_id,
                or_(
                    and_(
                        WebhookAttempt.status == PENDING,
                        or_(WebhookAttempt.due_at.is_(None), WebhookAttempt.due_at <= now),
                    ),
                    WebhookAttempt.status == IN_FLIGHT,
                ),
            )
        )
    )


# Ids per statement, well under SQLite's limit on bound parameters.
_IDS_PER_QUERY = 500


def count_statuses(session: Session, attempt_ids: Sequence[str]) -> dict[str, int]:
    """How many of the attempts are in each status (deleted ones, with their Item, in none)."""
    counts: dict[str, int] = {}
    for start in range(0, len(attempt_ids), _IDS_PER_QUERY):
        for status, count in session.execute(
            select(WebhookAttempt.status, func.count())
            .where(WebhookAttempt.id.in_(attempt_ids[start : start + _IDS_PER_QUERY]))
            .group_by(WebhookAttempt.status)
        ):
            counts[status] = counts.get(status, 0) + count
    return counts


# --- Redelivery -------------------------------------------------------------------------------


def redeliver(
    session: Session, *, client_id: str, environment: str, event_id: str
) -> WebhookAttempt:
    """Send an event again now: its pending attempt is made due at once, or a new attempt is
    added. The attempt."""
    found = session.scalar(
        select(WebhookEvent.id).where(
            WebhookEvent.id == event_id,
            WebhookEvent.client_id == client_id,
            WebhookEvent.environment == environment,
        )
    )
    if found is None:
        raise errors.InvalidInput(
            "INVALID_WEBHOOK_EVENT_ID",
            "could not find a webhook event with this event_id; "
            "take it from /_gingham/webhooks/list or the Gingham-Delivery-Id header",
        )
    pending = session.scalar(
        select(WebhookAttempt).where(
            WebhookAttempt.event_id == event_id, WebhookAttempt.status == PENDING
        )
    )
    if pending is not None:
        pending.due_at = None
    else:
        pending = WebhookAttempt(**new_attempt(event_id, last_attempt(session, event_id) + 1, None))
        session.add(pending)
    session.flush()
    session.info[_ENQUEUED] = True
    return pending
