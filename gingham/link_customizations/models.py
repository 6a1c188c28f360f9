from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class LinkCustomization(Base):
    """A client's named Link customization, chosen with /link/token/create's
    `link_customization_name`: how Account Select behaves, whether Link shows Data
    Transparency Messaging with the client's use cases, and how Link looks and what it says
    (gingham.link_customizations.appearance)."""

    __tablename__ = "link_customizations"
    __table_args__ = (UniqueConstraint("client_id", "environment", "name"),)

    id: Mapped[str] = mapped_column(String(37), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    # gingham.link_customizations.service.AccountSelect
    account_select: Mapped[str] = mapped_column(String(16))
    data_transparency: Mapped[bool]
    use_cases: Mapped[list[str]] = mapped_column(JSON)
    # "#RRGGBB"; None keeps Link's own colours.
    background_color: Mapped[str | None] = mapped_column(String(7))
    # Text string name -> text; None (rows saved before text strings existed) as {}.
    text_strings: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # gingham.link_customizations.appearance.InstitutionSelect
    institution_select: Mapped[str] = mapped_column(String(16), server_default="AUTOMATIC")
    featured_institutions: Mapped[list[str] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
