from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class ApiClient(Base):
    """An application that calls Gingham's API: Plaid's `client_id`."""

    __tablename__ = "api_clients"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClientSecret(Base):
    """One secret of a client for one environment.

    Plaid gives each client a secret per environment and the secret decides which environment a
    request runs in; a client can hold several secrets per environment while one is rotated out.
    Only the SHA-256 of the secret is stored.
    """

    __tablename__ = "client_secrets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    environment: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
