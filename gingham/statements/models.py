"""The tables of statements."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class StatementRefresh(Base):
    """A /statements/refresh: once built (`completed_at`), the Item's statements also cover
    `start_date` to `end_date`. The window the Item was linked with is not kept here: it stays in
    its link token's configuration, where Link left it."""

    __tablename__ = "statement_refreshes"

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Client time the build finished; None while it runs.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
