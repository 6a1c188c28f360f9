from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class Account(Base):
    """An account shared through an Item, with its latest known balances."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    # The order the institution lists accounts in, which is the order the API returns them.
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    official_name: Mapped[str | None] = mapped_column(String(200))
    mask: Mapped[str | None] = mapped_column(String(4))
    type: Mapped[str] = mapped_column(String(32))
    subtype: Mapped[str | None] = mapped_column(String(64))
    # Balances are JSON numbers on Plaid's wire; a double holds every sandbox amount exactly enough.
    available_balance: Mapped[float | None] = mapped_column(Float)
    current_balance: Mapped[float | None] = mapped_column(Float)
    limit_balance: Mapped[float | None] = mapped_column(Float)
    iso_currency_code: Mapped[str | None] = mapped_column(String(3))
    unofficial_currency_code: Mapped[str | None] = mapped_column(String(16))
    verification_status: Mapped[str | None] = mapped_column(String(64))
    holder_category: Mapped[str | None] = mapped_column(String(32))
    balances_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The bank's own id for the account, for Items that reach it through an OAuth connection.
    bank_account_id: Mapped[str | None] = mapped_column(String(64))
    # ACH numbers (Auth), for accounts that have them; tokenized ones (Chase) work for ACH but are
    # not the account's real numbers, whose last digits the mask still shows.
    account_number: Mapped[str | None] = mapped_column(String(32))
    routing_number: Mapped[str | None] = mapped_column(String(9))
    wire_routing_number: Mapped[str | None] = mapped_column(String(9))
    numbers_tokenized: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the user stopped sharing the account (consent for it revoked at the bank, or left out
    # in update mode): from then on the API treats it as closed and never returns it.
    unshared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # user_custom's product data for this account (AccountTemplate.product_data); None: the data
    # is generated from the Item's bank login (gingham.sandbox_data).
    product_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A read-only snapshot of an account row (read on the driver, as ItemRecord is)."""

    id: str
    name: str
    official_name: str | None
    mask: str | None
    type: str
    subtype: str | None
    available_balance: float | None
    current_balance: float | None
    limit_balance: float | None
    iso_currency_code: str | None
    unofficial_currency_code: str | None
    verification_status: str | None
    holder_category: str | None
    balances_updated_at: datetime
    account_number: str | None
    routing_number: str | None
    wire_routing_number: str | None
    numbers_tokenized: bool
