"""Each client's inbox and the webhooks it received."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class WebhookInbox(Base):
    """A client's receiver URL, `/_gingham/webhook_inbox/<token>`. The token is looked up by its
    hash and kept sealed (gingham.crypto.SecretBox) so /_gingham/webhook_inbox/get can show the
    URL again."""

    __tablename__ = "webhook_inboxes"

    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(16), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxMessage(Base):
    """One POST the inbox received, and whether its Plaid-Verification header checked out."""

    __tablename__ = "webhook_inbox_messages"
    __table_args__ = (Index("ix_webhook_inbox_messages_client_id_id", "client_id", "id"),)

    # Time-ordered (gingham.wire.events.sequence_id).
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The body as received (decoded as UTF-8, undecodable bytes replaced).
    body: Mapped[str] = mapped_column(Text)
    webhook_type: Mapped[str | None] = mapped_column(String(64))
    webhook_code: Mapped[str | None] = mapped_column(String(64))
    item_id: Mapped[str | None] = mapped_column(String(64))
    verified: Mapped[bool] = mapped_column(Boolean)
    # Why verification failed; None when it passed.
    verification_error: Mapped[str | None] = mapped_column(Text)
