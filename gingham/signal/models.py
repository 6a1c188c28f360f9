from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class SignalEvaluation(Base):
    """A proposed ACH debit evaluated by /signal/evaluate, with what the client later reported
    about it: whether it initiated the debit (/signal/decision/report) and its ACH return
    (/signal/return/report)."""

    __tablename__ = "signal_evaluations"
    # The client names its evaluations: the reports find one by its client_transaction_id, and
    # the constraint serves that lookup.
    __table_args__ = (UniqueConstraint("client_id", "environment", "client_transaction_id"),)

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    client_transaction_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[str] = mapped_column(String(37))
    amount: Mapped[float] = mapped_column(Float)
    ruleset_key: Mapped[str] = mapped_column(String(128))
    result: Mapped[str] = mapped_column(String(16))
    customer_initiated_score: Mapped[int] = mapped_column(Integer)
    bank_initiated_score: Mapped[int] = mapped_column(Integer)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # /signal/decision/report: `initiated` and the rest of the report as sent (a later report
    # corrects an earlier one).
    initiated: Mapped[bool | None] = mapped_column(Boolean)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decision_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # /signal/return/report.
    return_code: Mapped[str | None] = mapped_column(String(3))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
