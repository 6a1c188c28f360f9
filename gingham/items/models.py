from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class Item(Base):
    """A login at an institution, shared with one client: Plaid's Item."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    environment: Mapped[str] = mapped_column(String(16))
    institution_id: Mapped[str | None] = mapped_column(String(32))
    webhook: Mapped[str | None] = mapped_column(Text)
    billed_products: Mapped[list[str]] = mapped_column(JSON)
    # The products the Item was linked with (billed_products also gains those added later, on
    # first use or in update mode): the accounts Link offers must suit these. None for Items
    # made before it was recorded, whose billed_products stand in.
    initial_products: Mapped[list[str] | None] = mapped_column(JSON)
    consented_products: Mapped[list[str]] = mapped_column(JSON)
    # The use cases the user consented to on a Data Transparency Messaging pane; None when the
    # Item was never linked or updated with DTM (gingham.link_customizations).
    consented_use_cases: Mapped[list[str] | None] = mapped_column(JSON)
    # The Item's PlaidError while it is unhealthy (e.g. ITEM_LOGIN_REQUIRED), else None.
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Why the Item is unhealthy (gingham.items.lifecycle.Cause) and since when (client time):
    # update mode asks only for what the cause needs, and repairs spread to the same login.
    error_cause: Mapped[str | None] = mapped_column(String(32))
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The bank login the Item reaches (gingham.bank.logins.login_id): Items of different clients
    # made with one login at one institution share it.
    login_id: Mapped[str | None] = mapped_column(String(40), index=True)
    consent_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    update_type: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccessToken(Base):
    """An `access_token` for an Item, stored as its SHA-256; rotation revokes the old row."""

    __tablename__ = "access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PublicToken(Base):
    """A single-use `public_token`, exchangeable for the Item's access token for 30 minutes."""

    __tablename__ = "public_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    exchanged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ItemOAuthConnection(Base):
    """How an Item at an OAuth institution reaches the bank: its consent and sealed tokens."""

    __tablename__ = "item_oauth_connections"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    institution_id: Mapped[str] = mapped_column(String(32))
    # The bank's name for the user who consented: one bank login, whichever app it consented to.
    bank_user: Mapped[str] = mapped_column(String(200), index=True)
    bank_consent_id: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    tokens_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """A read-only snapshot of an Item row, as the API reads it on every request.

    Hot reads run on the driver (gingham.driver_queries), others through Core, never the ORM:
    loading an ORM instance costs several times the query itself, and the hot endpoints only
    read. Changes are single UPDATE statements.
    """

    id: str
    client_id: str
    environment: str
    institution_id: str | None
    webhook: str | None
    billed_products: list[str]
    consented_products: list[str]
    error: dict[str, Any] | None
    consent_expires_at: datetime | None
    update_type: str
    created_at: datetime
    removed_at: datetime | None
    error_cause: str | None
    error_at: datetime | None
    login_id: str | None
    consented_use_cases: list[str] | None
    initial_products: list[str] | None
