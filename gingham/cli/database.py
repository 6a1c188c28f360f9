"""What every command that opens the database directly does first."""

from __future__ import annotations

from gingham.clients import profile
from gingham.clients import service as clients_service
from gingham.clients.service import IssuedCredentials
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.db import create_private_sqlite_file, make_engine, make_session_factory, migrate

DEFAULT_CLIENT_NAME = "Gingham sandbox"


def prepare_database(settings: Settings) -> None:
    """Create the SQLite file privately (0600) if it is new, and migrate it to the latest schema."""
    if settings.is_sqlite:
        create_private_sqlite_file(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def create_client(
    settings: Settings, name: str, *, only_if_none: bool, demo_profile: bool = False
) -> IssuedCredentials | None:
    """A new sandbox API client with its credentials; with `only_if_none`, None when the database
    has a client already. With `demo_profile`, its application profile starts filled in."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            if only_if_none and clients_service.has_any_client(session):
                return None
            now = SystemClock().now()
            issued = clients_service.create_client(session, name, now)
            if demo_profile:
                profile.update(
                    session, issued.client_id, profile.demo_profile(settings.base_url), now
                )
            return issued
    finally:
        engine.dispose()
