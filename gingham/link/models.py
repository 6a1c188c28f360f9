from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
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
