from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class LinkSession(Base):
    """One run of Link for a link token, from OPEN to onSuccess or onExit.

    `state` is the state machine's working memory (search query, failed logins, MFA progress,
    the accounts on offer). `result` holds what the session ended with, in the shape
    /link/token/get reports; its public token is sealed (see gingham.crypto).
    """

    __tablename__ = "link_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    link_token_id: Mapped[str] = mapped_column(
        ForeignKey("link_tokens.id", ondelete="CASCADE"), index=True
    )
    view: Mapped[str] = mapped_column(String(40))
    institution_id: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # open, success, exit
    item_id: Mapped[str | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LinkEvent(Base):
    """One onEvent of a Link session, as the app received it."""

    __tablename__ = "link_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # event_id
    link_session_id: Mapped[str] = mapped_column(
        ForeignKey("link_sessions.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer)
    event_name: Mapped[str] = mapped_column(String(64))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LinkOAuthState(Base):
    """One trip of a Link session to an OAuth bank, from OPEN_OAUTH to its return.

    Its id is Plaid's `oauth_state_id`: the bank gets it as the OAuth `state`, and in the
    redirect flow the app's redirect URI gets it back, so that Link re-initialised there resumes
    the same session. The PKCE verifier and the bank's tokens are sealed (gingham.crypto).
    """

    __tablename__ = "link_oauth_states"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    link_session_id: Mapped[str] = mapped_column(
        ForeignKey("link_sessions.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))  # popup or redirect
    code_verifier_sealed: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # pending, authorized, denied, failed
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a re-initialised Link resumed the session with it; it cannot be used twice.
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RememberedConnection(Base):
    """A connection a guest chose to save with their phone number after linking it: the next
    Link session verified with that number offers it (the returning user experience).

    Like Plaid's network it belongs to the person, not to one app: every client of the
    environment sees it. `username` is the Sandbox login the connection signs in as; `masks`
    the accounts the user shared.
    """

    __tablename__ = "link_remembered_connections"
    __table_args__ = (UniqueConstraint("environment", "phone_number", "institution_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    environment: Mapped[str] = mapped_column(String(16))
    phone_number: Mapped[str] = mapped_column(String(16))  # E.164
    institution_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(256))
    masks: Mapped[list[str]] = mapped_column(JSON)
    remembered_at: Mapped[datetime] = mapped_column(UTCDateTime)
