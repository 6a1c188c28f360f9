"""Migration da7a0000000f gives every client made before profiles existed an empty profile with
an application_id of its own, on both databases."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from gingham.clients import profile
from gingham.clients.models import ApplicationProfile
from gingham.db import make_engine
from tests.migrating import empty_database_url, upgrade

OLD_CLIENTS = ("a" * 24, "b" * 24)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_clients_made_before_profiles_get_an_empty_one_each(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with empty_database_url(backend, tmp_path_factory, "profiles") as url:
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                upgrade(connection, "da7a00000011")
                for client_id in OLD_CLIENTS:
                    connection.execute(
                        text(
                            "INSERT INTO api_clients (id, name, created_at) "
                            "VALUES (:id, 'Old app', :now)"
                        ),
                        {"id": client_id, "now": datetime(2026, 1, 1)},
                    )
            with engine.begin() as connection:
                upgrade(connection, "heads")
            with Session(engine) as session:
                rows = session.scalars(select(ApplicationProfile)).all()
                assert sorted(row.client_id for row in rows) == list(OLD_CLIENTS)
                assert len({row.application_id for row in rows}) == 2
                assert all(
                    profile.missing(row) == list(profile.REQUIRED_FOR_REGISTRATION) for row in rows
                )
        finally:
            engine.dispose()
