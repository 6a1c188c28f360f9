"""What Investments remembers about an Item: the balances its generated portfolios are built on,
and how far its updates have been announced."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base


class InvestmentUpdates(Base):
    """One row per Item that Investments has served."""

    __tablename__ = "investment_updates"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    # account_id → the account's balance when Investments first served it. The account's
    # generated holdings are worth exactly that on the day the Item was linked; activity since
    # then moves the balance, so the original has to be kept.
    opening_balances: Mapped[dict[str, float | None]] = mapped_column(JSON)
    # The last day (client time) whose activity has been announced by DEFAULT_UPDATE webhooks
    # and brought into the accounts' balances.
    updated_through: Mapped[date] = mapped_column(Date)
