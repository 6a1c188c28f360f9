"""Bank simulation tests that follow Items over time run the app on a committed database
(SQLite, and PostgreSQL as a second leg) with the OAuth bank in-process, a loopback receiver
verifying every webhook's signature, and a delivery worker the test runs. A change to an
institution reaches every Item there, so each such test (those using `fresh_banks`) starts with no Items
and no institution changes, and leaves none behind. The app, the bank and the second client are
the lifecycle tests' fixtures."""

# Fixtures shared with the lifecycle tests are imported here; their names are parameters below.
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from gingham.institutions.models import InstitutionState
from gingham.items.models import Item
from gingham.sandbox_clock.models import SandboxTimer
from tests.lifecycle.conftest import (  # noqa: F401  (fixtures)
    api,
    app_client,
    bank_app,
    bank_browser,
    deliver_due,
    key_fetcher,
    make_worker,
    other_api,
    receiver,
    secrets,
)


@pytest.fixture
def fresh_banks(committed_sessions: sessionmaker[Session]) -> Iterator[None]:
    """No Items, timers or institution changes before or after the test."""

    def clear() -> None:
        with committed_sessions() as session, session.begin():
            session.execute(delete(SandboxTimer))
            session.execute(delete(Item))
            session.execute(delete(InstitutionState))

    clear()
    yield
    clear()
