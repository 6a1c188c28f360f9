from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base


class ReadCacheWrites(Base):
    """How many transactions have changed Items, access tokens or accounts, counted by database
    triggers (migration da7a00000014) so that no writer can forget to: the sum over the rows is
    the version the read cache checks (gingham.read_cache). PostgreSQL has 64 rows, each written
    by the backends whose process id falls on it, so that concurrent writers rarely wait for one
    another; SQLite, whose writers take turns anyway, has one."""

    __tablename__ = "read_cache_writes"

    stripe: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    writes: Mapped[int] = mapped_column(BigInteger)
