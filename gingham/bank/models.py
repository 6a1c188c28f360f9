"""What the sandbox banks remember about a login once the bank simulation has changed it.

A login with no row here is as Plaid's sandbox defines it (gingham.bank.credentials): its
password and accounts follow from the username. A row records what happened at the bank since:
a new password, accounts the user opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class BankLoginState(Base):
    __tablename__ = "bank_logins"

    # gingham.bank.logins.login_id(institution_id, username)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the password the user set at the bank; None: the sandbox's own rules.
    password_hash: Mapped[str | None] = mapped_column(String(64))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # AccountTemplate fields of the accounts opened since, in the order they were opened.
    added_accounts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
