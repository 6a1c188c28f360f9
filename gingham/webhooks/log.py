"""The delivery log: what was sent where, each attempt's outcome (Gingham's /_gingham/webhooks/list),
and the last webhook an Item was sent (the `webhook` status of /item/get)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.webhooks.models import WebhookAttempt, WebhookEvent
from gingham.webhooks.outbox import SUCCEEDED
from gingham.wire.json import format_timestamp_ms

LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 500


def _timestamp(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp_ms(value)


def attempt_json(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "attempt_id": attempt.id,
        "attempt": attempt.attempt,
        "status": attempt.status,
        "due_at": _timestamp(attempt.due_at),
        "started_at": _timestamp(attempt.started_at),
        "finished_at": _timestamp(attempt.finished_at),
        "response_status": attempt.response_status,
        "latency_ms": attempt.latency_ms,
        "response_excerpt": attempt.response_excerpt,
        "error": attempt.error,
        "verification": attempt.verification,
    }


def list_events(
    session: Session,
    *,
    client_id: str,
    environment: str,
    item_id: str | None = None,
    webhook_code: str | None = None,
    event_id: str | None = None,
    limit: int = LIST_LIMIT_DEFAULT,
) -> list[dict[str, Any]]:
    """The caller's newest events, each with its attempts in order."""
    query = (
        select(WebhookEvent)
        .where(WebhookEvent.client_id == client_id, WebhookEvent.environment == environment)
        .order_by(WebhookEvent.created_at.desc(), WebhookEvent.id)
        .limit(limit)
    )
    if item_id is not None:
        query = query.where(WebhookEvent.item_id == item_id)
    if webhook_code is not None:
        query = query.where(WebhookEvent.webhook_code == webhook_code)
    if event_id is not None:
        query = query.where(WebhookEvent.id == event_id)
    events = session.scalars(query).all()
    attempts: dict[str, list[WebhookAttempt]] = {e.id: [] for e in events}
    if events:
        for attempt in session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.event_id.in_(list(attempts)))
            .order_by(WebhookAttempt.attempt)
        ):
            attempts[attempt.event_id].append(attempt)
    return [
        {
            "event_id": e.id,
            "item_id": e.item_id,
            "url": e.url,
            "webhook_type": e.webhook_type,
            "webhook_code": e.webhook_code,
            "environment": e.environment,
            "created_at": _timestamp(e.created_at),
            "payload": e.payload,
            "attempts": [attempt_json(a) for a in attempts[e.id]],
        }
        for e in events
    ]


@dataclass(frozen=True, slots=True)
class LastWebhook:
    """The Item's newest webhook that reached its receiver: when it happened (the client's time
    when the event was enqueued) and its code."""

    sent_at: datetime
    code_sent: str


def last_sent_webhook(session: Session, item_id: str) -> LastWebhook | None:
    """The Item's newest event with a successful attempt, for /item/get's status.last_webhook;
    None if none of its webhooks was ever delivered."""
    row = session.execute(
        select(WebhookEvent.created_at, WebhookEvent.webhook_code)
        .join(WebhookAttempt, WebhookAttempt.event_id == WebhookEvent.id)
        .where(WebhookEvent.item_id == item_id, WebhookAttempt.status == SUCCEEDED)
        # Events of one moment (a frozen or jumped sandbox clock): the one delivered last.
        .order_by(WebhookEvent.created_at.desc(), WebhookAttempt.finished_at.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else LastWebhook(row.created_at, row.webhook_code)
