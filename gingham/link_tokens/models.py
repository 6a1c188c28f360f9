from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class LinkToken(Base):
    """A `link_token`: the configuration of a Link session, as /link/token/create received it.

    `config` is the request whole, less the credentials and any bearer token in it (an update-mode
    `access_token` is replaced by `item_id`, a `user_token` by `user_id`), so that nothing usable
    is stored in the clear.
    """

    __tablename__ = "link_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What Link logs show of the token (`link-sandbox-…4f9a1c`): enough to tell tokens apart,
    # far too little to use one. None for tokens made before hints were kept.
    token_hint: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    environment: Mapped[str] = mapped_column(String(16))
    client_user_id: Mapped[str | None] = mapped_column(String(256), index=True)
    item_id: Mapped[str | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    # The user whose `user_token` the request carried (the token itself is not kept in `config`):
    # the Items this token's sessions link are that user's, and `update.user` updates theirs.
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when Link gives up on the token (e.g. too many failed logins); it stops working at once.
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Failed logins and MFA answers in all of the token's Link sessions: a new session with the
    # same token does not start the count again (gingham.link.expiry).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
