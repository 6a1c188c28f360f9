"""One row per recorded API request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class LoggedRequest(Base):
    """A request to a credentialed JSON endpoint and its answer, with secrets and tokens
    redacted (gingham.request_log.redaction). Each client keeps its newest few
    (GINGHAM_REQUEST_LOG_RETENTION)."""

    __tablename__ = "logged_requests"
    __table_args__ = (
        # Listing and retention: a client's newest requests.
        Index("ix_logged_requests_client_id_id", "client_id", "id"),
    )

    # Time-ordered (gingham.wire.events.sequence_id), so ids sort as the requests ended.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Typed here, not only through its foreign key: the log's own file (gingham.request_log.store)
    # holds this table alone, made by processes that may not have imported the clients' model.
    client_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("api_clients.id", ondelete="CASCADE")
    )
    environment: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(64))
    latency_ms: Mapped[float] = mapped_column(Float)
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    # JSON text, redacted: written as text so that most bodies are redacted without being
    # parsed (gingham.request_log.redaction.redact_json), and searched as text.
    request_body: Mapped[str | None] = mapped_column(Text)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
