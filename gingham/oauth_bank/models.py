"""The simulated bank's records: registered clients, browser sign-ins, consents, codes, tokens.

These tables belong to the bank, not to Gingham's Plaid side: nothing here refers to Items or API
clients, so the bank could move to a database of its own. Bearer values (authorization codes,
access and refresh tokens, client secrets) are stored only as SHA-256 hashes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class ConsentStatus(StrEnum):
    # UK Open Banking's names for an account-access consent's states.
    AUTHORISED = "Authorised"
    REJECTED = "Rejected"
    REVOKED = "Revoked"
    EXPIRED = "Expired"


class BankClient(Base):
    """An application registered with the bank (the bank's side of OAuth client registration).

    One registry serves every hosted institution, as if the aggregator had registered with each.
    """

    __tablename__ = "bank_clients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Only Gingham's own connector has this: its secret sealed with Gingham's SecretBox, so that
    # every Gingham process can read back the secret the bank knows only by hash.
    sealed_secret: Mapped[str | None] = mapped_column(Text)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BankAuthorizationRequest(Base):
    """A validated /oauth/authorize request while the user signs in and chooses what to share."""

    __tablename__ = "bank_authorization_requests"

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[str] = mapped_column(
        ForeignKey("bank_clients.id", ondelete="CASCADE"), index=True
    )
    # The authorize query parameters, replayed through Authlib when the user decides.
    parameters: Mapped[dict[str, str]] = mapped_column(JSON)
    # SHA-256 of the bank's browser cookie: only the browser that started the sign-in may finish it.
    browser_hash: Mapped[str] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BankConsent(Base):
    """What a bank user agreed to share with one client: accounts, data clusters, for how long."""

    __tablename__ = "bank_consents"

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[str] = mapped_column(
        ForeignKey("bank_clients.id", ondelete="CASCADE"), index=True
    )
    # The bank's account ids the user ticked; revoking one account moves it to the second list.
    account_ids: Mapped[list[str]] = mapped_column(JSON)
    revoked_account_ids: Mapped[list[str]] = mapped_column(JSON)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BankAuthorizationCode(Base):
    """A single-use authorization code, bound to its client, redirect URI and PKCE challenge."""

    __tablename__ = "bank_authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[str] = mapped_column(
        ForeignKey("bank_clients.id", ondelete="CASCADE"), index=True
    )
    consent_id: Mapped[str] = mapped_column(
        ForeignKey("bank_consents.id", ondelete="CASCADE"), index=True
    )
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BankToken(Base):
    """An access token and the refresh token issued with it, both bound to a consent.

    Refreshing rotates: the new pair is a new row and the old row's refresh token is revoked.
    """

    __tablename__ = "bank_tokens"

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[str] = mapped_column(
        ForeignKey("bank_clients.id", ondelete="CASCADE"), index=True
    )
    consent_id: Mapped[str] = mapped_column(
        ForeignKey("bank_consents.id", ondelete="CASCADE"), index=True
    )
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    access_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
