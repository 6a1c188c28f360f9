"""The webhook outbox: events, their delivery attempts, and the keys that sign them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class WebhookSigningKey(Base):
    """A P-256 key that signs the Plaid-Verification header; its public half is served by
    /webhook_verification_key/get. The newest key signs; older ones stay verifiable until
    retired (expired_at set)."""

    __tablename__ = "webhook_signing_keys"

    kid: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The PKCS#8 PEM, sealed with gingham.crypto.SecretBox under the context "webhook-key:<kid>".
    private_key_sealed: Mapped[str] = mapped_column(Text)
    x: Mapped[str] = mapped_column(String(64))
    y: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookEvent(Base):
    """One webhook as Plaid would send it: `payload` is the exact body, `url` where it goes."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_client_id_created_at", "client_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    item_id: Mapped[str | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    webhook_type: Mapped[str] = mapped_column(String(64))
    webhook_code: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    environment: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """One try at delivering an event.

    pending → in_flight (claimed by a worker until `claimed_until`) → succeeded, failed (a next
    attempt is scheduled) or exhausted (the retry curve is used up). An in_flight attempt whose
    lease has run out is due again, so a worker that dies loses nothing.
    """

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        UniqueConstraint("event_id", "attempt", name="uq_webhook_attempts_event_id"),
        # The worker's claim: due attempts in due order.
        Index("ix_webhook_attempts_status_due_at", "status", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    # When the attempt may be sent, on the worker's clock; NULL means at once (a first attempt,
    # a redelivery). Business times (sandbox clocks) never enter here, see outbox.bring_forward.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Lease, start and finish are wall-clock (transport) times.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    # At most 1 KB of the receiver's answer.
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    # The Plaid-Verification JWT the attempt was sent with, shown in the delivery log. It proves
    # nothing beyond the body it signs, and expires five minutes after it was made.
    verification: Mapped[str | None] = mapped_column(Text)
