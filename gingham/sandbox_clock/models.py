"""A client's sandbox clock and the timers that fire on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class SandboxClock(Base):
    """How far a client's time runs ahead of real time. A client without a row runs on real
    time; the offset only grows (clocks move forward only)."""

    __tablename__ = "sandbox_clocks"
    __table_args__ = (CheckConstraint("offset_seconds >= 0", name="offset_not_negative"),)

    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), primary_key=True
    )
    offset_seconds: Mapped[float] = mapped_column(Float)
    # Real (wall-clock) time of the last advance.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SandboxTimer(Base):
    """Something that happens to a client's objects at a moment of the client's time: a consent
    that expires, a webhook retry that falls due. `fired_at` (client time) is set once its
    handler has run."""

    __tablename__ = "sandbox_timers"
    __table_args__ = (
        # Pending timers are those with fired_at NULL: per client in firing order, and per client
        # the earliest (fire_due_timers) — both start from (fired_at, client_id).
        Index(
            "ix_sandbox_timers_fired_at_client_id_due_at",
            "fired_at",
            "client_id",
            "due_at",
            "sequence",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Orders timers due at the same moment by when they were scheduled.
    sequence: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Real time of scheduling, for the record; the database's, as schedule_timer takes no clock.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
