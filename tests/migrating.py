"""What the tests of one data migration share: an empty database of either kind, and upgrading it
to a given revision (to write rows as they were, then on to the head)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from gingham.db import MIGRATIONS_DIR
from tests.conftest import fresh_postgres_schema, require_postgres


@contextmanager
def empty_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, or a PostgreSQL schema `name`."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp(name) / 'gingham.db'}"
        return
    with fresh_postgres_schema(require_postgres(), f"gingham_{name}") as url:
        yield url


def upgrade(connection: Connection, revision: str) -> None:
    """Migrate the database on `connection` up to `revision` ("heads" for the newest)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
