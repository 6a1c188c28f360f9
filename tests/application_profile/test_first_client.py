"""The client `gingham serve` makes on an empty database starts with a demo profile, so that
the registration-requiring sandbox banks link out of the box; `gingham client create` makes
clients with an empty one, as Plaid's dashboard does."""

from __future__ import annotations

from pathlib import Path

from gingham.cli.database import create_client, prepare_database
from gingham.clients import profile
from gingham.clients.models import ApplicationProfile
from gingham.config import Settings
from gingham.db import make_engine, make_session_factory


def profile_of(settings: Settings, client_id: str) -> ApplicationProfile:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            row = session.get(ApplicationProfile, client_id)
            assert row is not None
            session.expunge(row)
            return row
    finally:
        engine.dispose()


class TestFirstClient:
    def test_starts_with_a_complete_demo_profile(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path)
        prepare_database(settings)
        created = create_client(settings, "Gingham sandbox", only_if_none=True, demo_profile=True)
        assert created is not None
        row = profile_of(settings, created.client_id)
        assert row.display_name == "Gingham Demo App"
        assert row.application_url == settings.base_url
        assert profile.missing(row) == []

    def test_other_clients_start_empty(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path)
        prepare_database(settings)
        created = create_client(settings, "My App", only_if_none=False)
        assert created is not None
        row = profile_of(settings, created.client_id)
        assert row.display_name is None
        assert profile.missing(row) == list(profile.REQUIRED_FOR_REGISTRATION)
