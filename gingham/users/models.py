from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class User(Base):
    """An end user of a client's app, made by /user/create: Plaid's `user_id`, reached with its
    `user_token`, stored as the token's SHA-256.

    Its Items are not recorded here: an Item is the user's when a Link session of a link token
    created with the user's token linked it (see gingham.users.service.items_of_user).
    """

    __tablename__ = "users"
    # One user per client_user_id: Plaid refuses to create a second. The constraint also serves
    # that lookup.
    __table_args__ = (UniqueConstraint("client_id", "environment", "client_user_id"),)

    id: Mapped[str] = mapped_column(String(37), primary_key=True)  # user_id
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    client_user_id: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
