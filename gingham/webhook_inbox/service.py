"""The webhook inbox: a client's receiver URL, receiving into it, and reading it back."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gingham.crypto import SecretBox
from gingham.webhook_inbox.models import InboxMessage, WebhookInbox
from gingham.webhook_inbox.verification import Unverified, verify
from gingham.wire.events import sequence_id
from gingham.wire.ids import token_hash

INBOX_PATH = "/_gingham/webhook_inbox/"
# Each client keeps its newest messages; an inbox is for watching, not an archive.
RETENTION = 500
LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 500
# The headers worth keeping: what Plaid sends and what says who sent it.
_KEPT_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "user-agent",
        "plaid-verification",
        "gingham-delivery-id",
        "gingham-attempt",
    }
)


def _seal_context(client_id: str, environment: str) -> str:
    return f"webhook-inbox:{client_id}:{environment}"


def inbox_token(
    session: Session, secrets_box: SecretBox, *, client_id: str, environment: str, now: datetime
) -> str:
    """The client's inbox token, made on first use."""
    inbox = session.get(WebhookInbox, (client_id, environment))
    if inbox is not None:
        return secrets_box.open(inbox.token_sealed, context=_seal_context(client_id, environment))
    token = secrets.token_urlsafe(24)
    session.add(
        WebhookInbox(
            client_id=client_id,
            environment=environment,
            token_hash=token_hash(token),
            token_sealed=secrets_box.seal(token, context=_seal_context(client_id, environment)),
            created_at=now,
        )
    )
    session.flush()
    return token


def inbox_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{INBOX_PATH}{token}"


def receive(
    session: Session, token: str, headers: dict[str, str], body: bytes, now: datetime
) -> InboxMessage | None:
    """Record a POST to the inbox `token` names, verified as an app would; None for no inbox."""
    inbox = session.scalar(select(WebhookInbox).where(WebhookInbox.token_hash == token_hash(token)))
    if inbox is None:
        return None
    try:
        verify(session, headers.get("plaid-verification"), body, now)
        verified, reason = True, None
    except Unverified as exc:
        verified, reason = False, str(exc)
    payload = _json_object(body)
    message = InboxMessage(
        id=sequence_id(),
        client_id=inbox.client_id,
        environment=inbox.environment,
        received_at=now,
        headers={name: value for name, value in headers.items() if name in _KEPT_HEADERS},
        body=body.decode("utf-8", "replace"),
        webhook_type=_short_text(payload.get("webhook_type")),
        webhook_code=_short_text(payload.get("webhook_code")),
        item_id=_short_text(payload.get("item_id")),
        verified=verified,
        verification_error=reason,
    )
    session.add(message)
    session.flush()
    _prune(session, inbox.client_id, inbox.environment)
    return message


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _short_text(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None


def _prune(session: Session, client_id: str, environment: str) -> None:
    oldest_kept = session.scalar(
        select(InboxMessage.id)
        .where(InboxMessage.client_id == client_id, InboxMessage.environment == environment)
        .order_by(InboxMessage.id.desc())
        .offset(RETENTION - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        session.execute(
            delete(InboxMessage).where(
                InboxMessage.client_id == client_id,
                InboxMessage.environment == environment,
                InboxMessage.id < oldest_kept,
            )
        )


def list_messages(
    session: Session,
    *,
    client_id: str,
    environment: str,
    limit: int = LIST_LIMIT_DEFAULT,
    after: str | None = None,
    verified: bool | None = None,
) -> list[dict[str, Any]]:
    """Newest first; with `after`, only the messages after that id, oldest first (a tail)."""
    query = select(InboxMessage).where(
        InboxMessage.client_id == client_id, InboxMessage.environment == environment
    )
    if verified is not None:
        query = query.where(InboxMessage.verified.is_(verified))
    if after is not None:
        query = query.where(InboxMessage.id > after).order_by(InboxMessage.id)
    else:
        query = query.order_by(InboxMessage.id.desc())
    return [message_json(row) for row in session.scalars(query.limit(limit)).all()]


def message_json(row: InboxMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "received_at": row.received_at.isoformat().replace("+00:00", "Z"),
        "webhook_type": row.webhook_type,
        "webhook_code": row.webhook_code,
        "item_id": row.item_id,
        "verified": row.verified,
        "verification_error": row.verification_error,
        "headers": row.headers,
        "body": row.body,
    }
