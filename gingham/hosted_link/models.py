from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class HostedLink(Base):
    """The Hosted Link page of one link token (/link/token/create with `hosted_link`).

    The URL's key is a bearer secret like the link token, so only its hash is kept; the link token
    is sealed (gingham.crypto), because the page hands it to Link and the LINK webhooks carry it.
    """

    __tablename__ = "hosted_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    url_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_token_id: Mapped[str] = mapped_column(
        ForeignKey("link_tokens.id", ondelete="CASCADE"), unique=True
    )
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    environment: Mapped[str] = mapped_column(String(16))
    link_token_sealed: Mapped[str] = mapped_column(String(200))
    completion_redirect_uri: Mapped[str | None] = mapped_column(Text)
    is_mobile_app: Mapped[bool] = mapped_column(Boolean)
    delivery_method: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when a session of the URL linked an Item: the URL has done its work and starts no more.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HostedLinkDelivery(Base):
    """A Hosted Link URL Gingham would have sent by SMS or email (Link Delivery): recorded here,
    never sent, for tests and a dashboard to read (/_gingham/hosted_link/deliveries/list)."""

    __tablename__ = "hosted_link_deliveries"
    __table_args__ = (
        Index("ix_hosted_link_deliveries_client_id_created_at", "client_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hosted_link_id: Mapped[str] = mapped_column(
        ForeignKey("hosted_links.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    delivery_method: Mapped[str] = mapped_column(String(8))  # sms or email
    # The phone number or email address of the link token's `user`.
    destination: Mapped[str] = mapped_column(String(320))
    # The URL is a bearer secret: sealed, opened only for the client's own list.
    url_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
