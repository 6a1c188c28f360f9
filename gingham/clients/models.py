from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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


class AllowedRedirectUri(Base):
    """A redirect URI a client may pass to /link/token/create: Plaid's dashboard "Allowed
    redirect URIs". An entry may be a subdomain wildcard (`https://*.example.com/oauth.html`).

    Lists are kept per environment, as Plaid keeps them; only sandbox has one for now.
    """

    __tablename__ = "allowed_redirect_uris"
    # The unique constraint also serves the lookups, which all start from (client_id, environment).
    __table_args__ = (UniqueConstraint("client_id", "environment", "uri"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    # Printable ASCII only and at most 1024 characters (redirect_uris.MAX_LENGTH), so the unique
    # index stays within PostgreSQL's limit for an index row.
    uri: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AllowedAndroidPackage(Base):
    """An Android package name a client may pass as `android_package_name`: Plaid's dashboard
    "Allowed Android package names", per environment like the redirect URIs."""

    __tablename__ = "allowed_android_packages"
    __table_args__ = (UniqueConstraint("client_id", "environment", "package_name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    package_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
