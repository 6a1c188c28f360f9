from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime

# The environments a client's secrets, allow-lists and public-key switches are kept for.
ENVIRONMENTS = ("sandbox", "production")


class ApiClient(Base):
    """An application that calls Gingham's API: Plaid's `client_id`."""

    __tablename__ = "api_clients"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClientPublicKey(Base):
    """A client's `public_key`, as Plaid's dashboard gave one before link tokens.

    Not a secret in Plaid's model (it was shipped in web pages), so it is stored as Gingham
    stores identifiers: plain, unique and indexed, so that a key names exactly one client.
    """

    __tablename__ = "client_public_keys"

    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), primary_key=True
    )
    public_key: Mapped[str] = mapped_column(String(30), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PublicKeySwitch(Base):
    """Whether a client's public key still works in one environment, for Link and for the API
    separately (Plaid's dashboard switches). A missing row means both are on, as they were for
    every key until its owner switched one off."""

    __tablename__ = "public_key_switches"

    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(16), primary_key=True)
    link_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    api_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


class ApplicationProfile(Base):
    """What Plaid's dashboard keeps as a client's application profile and company profile (the
    OAuth guide's "registration requirements"): what users see about the app at their bank, and
    who the company behind it is. Served by /application/get under its own `application_id`.

    Every client has one row, made with the client (or by the migration that added the table);
    a field not yet filled in is NULL. The lengths are those gingham.clients.profile checks.
    """

    __tablename__ = "application_profiles"

    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), primary_key=True
    )
    application_id: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    application_url: Mapped[str | None] = mapped_column(String(2048))
    reason_for_access: Mapped[str | None] = mapped_column(String(1000))
    use_case: Mapped[str | None] = mapped_column(String(100))
    company_legal_name: Mapped[str | None] = mapped_column(String(200))
    street_address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
