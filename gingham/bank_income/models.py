"""The tables of bank income."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class BankIncomeReport(Base):
    """One of a user's bank income reports (Plaid's `bank_income_id`).

    A Link session that linked an Item for bank income has one, made the first time the user's
    reports are read (`link_session_id` set, dated when the session finished); each
    /credit/bank_income/refresh adds one over all the user's income Items, `building` until the
    sandbox clock reaches `due_at`. `report` is the finished CreditBankIncome object as served,
    kept so that a report never changes once read.
    """

    __tablename__ = "bank_income_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    link_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("link_sessions.id", ondelete="CASCADE"), unique=True
    )
    days_requested: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # building, ready
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where a refresh's BANK_INCOME_REFRESH_COMPLETE goes (None: nowhere).
    webhook: Mapped[str | None] = mapped_column(Text)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class BankIncomeWebhookSetting(Base):
    """Whether a user is subscribed to BANK_INCOME_REFRESH_UPDATE (/credit/bank_income/webhook/update);
    users without a row are not, as at Plaid.

    A subscribed user's income is looked at once a day of the client's clock (the timer due at
    `watch_due_at`; an older timer is stale): when its income sources are no longer
    `known_sources` (those when the subscription began, the last refresh finished or the last
    UPDATE was sent), BANK_INCOME_REFRESH_UPDATE prompts the app to refresh.
    """

    __tablename__ = "bank_income_webhook_settings"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    known_sources: Mapped[list[str] | None] = mapped_column(JSON)
    watch_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
