"""What the bank simulation changed about an institution, layered over the catalogue.

An institution with no row here is exactly as gingham.institutions.catalogue describes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class InstitutionState(Base):
    __tablename__ = "institution_states"
    __table_args__ = (
        CheckConstraint(
            "(oauth_migration_started_at IS NULL) = (oauth_migration_window_days IS NULL)",
            name="oauth_migration_complete",
        ),
    )

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # gingham.institutions.catalogue.Health; None: the catalogue's own.
    health: Mapped[str | None] = mapped_column(String(16))
    # Real time of the last status change (the status's `last_status_change`).
    health_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the institution moved to OAuth (real time), and over how many days its existing
    # Items were moved into ITEM_LOGIN_REQUIRED, each on its client's clock.
    oauth_migration_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    oauth_migration_window_days: Mapped[int | None] = mapped_column(Integer)
