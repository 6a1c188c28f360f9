"""What an Item has been served of Transactions: its transactions and the log of their changes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class TransactionsItem(Base):
    """An Item's Transactions product: how far its pulls have got, and the head of its change
    log. A row exists once the Item has Transactions and its initial pull is scheduled."""

    __tablename__ = "transactions_items"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    # The sequence of the Item's latest change (0 before any): a sync cursor is a position in
    # this log, and pages cover (cursor, head].
    last_sequence: Mapped[int] = mapped_column(BigInteger)
    # Client time of the pulls that made the last 30 days, then the whole history, available.
    initial_pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    historical_pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The window of days pulled so far, oldest and newest (inclusive).
    history_start: Mapped[date | None] = mapped_column(Date)
    pulled_through: Mapped[date | None] = mapped_column(Date)
    # The accounts whose transactions have been pulled: one added later (update mode) gets its
    # history at the next pull.
    pulled_accounts: Mapped[list[str]] = mapped_column(JSON)
    # SYNC_UPDATES_AVAILABLE goes only to Items on which /transactions/sync has been called.
    sync_used: Mapped[bool] = mapped_column(Boolean)
    # The client's time of the last successful pull; an Item repaired after a long break
    # catches up from here.
    last_pull_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the recurring streams were last computed (/transactions/recurring/get's
    # updated_datetime).
    recurring_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Transaction(Base):
    """One transaction as served to an Item. Rows are never rewritten in place except to remove
    them: a pending transaction that posts is removed and a new posted one added, as at Plaid.
    `sequence` is the position of the row's latest change in the Item's log."""

    __tablename__ = "transactions"
    __table_args__ = (
        # The sync cursor's range scan, and /transactions/get's date window.
        Index("ix_transactions_item_id_sequence", "item_id", "sequence", unique=True),
        Index("ix_transactions_item_id_date", "item_id", "date"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int] = mapped_column(BigInteger)
    # The sequence at which the Item was first served the row: a sync from before it reports
    # it as added, from after it as modified or removed.
    added_sequence: Mapped[int] = mapped_column(BigInteger)
    date: Mapped[date] = mapped_column(Date)
    pending: Mapped[bool] = mapped_column(Boolean)
    removed: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[float] = mapped_column(Float)
    # The generator's recurring series (/transactions/recurring/get), None for one-off ones.
    stream: Mapped[str | None] = mapped_column(String(80))
    # Plaid's transaction object as the wire carries it, serialized once when pulled, with
    # original_description null (set per request when asked for).
    wire: Mapped[str] = mapped_column(Text)
    original_description: Mapped[str | None] = mapped_column(Text)
