"""Concurrent exchanges of one public token: exactly one wins, on real connections."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from gingham import errors
from gingham.bank.accounts import DEFAULT_ACCOUNTS
from gingham.clients import service as clients_service
from gingham.clients.models import ApiClient
from gingham.clock import SystemClock
from gingham.institutions.catalogue import find
from gingham.items import service
from gingham.wire.context import Caller

RACERS = 6


@pytest.fixture
def committed(engine: Engine) -> Iterator[tuple[sessionmaker[Session], Caller]]:
    """Committed data on separate connections, as concurrent requests see it; deleted afterwards."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        issued = clients_service.create_client(session, "Racing app", SystemClock().now())
    yield factory, Caller(issued.client_id, "sandbox")
    with factory() as session, session.begin():
        session.execute(delete(ApiClient).where(ApiClient.id == issued.client_id))


def test_exactly_one_of_concurrent_exchanges_succeeds(
    committed: tuple[sessionmaker[Session], Caller],
) -> None:
    factory, caller = committed
    now = SystemClock().now()
    institution = find("ins_109508")
    assert institution is not None
    with factory() as session, session.begin():
        item_id = service.create_item(
            session,
            caller,
            institution,
            DEFAULT_ACCOUNTS,
            products=["auth"],
            webhook=None,
            login_id=None,
            now=now,
        )
        public_token = service.issue_public_token(session, caller, item_id, now)

    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def exchange() -> None:
        barrier.wait()
        try:
            with factory() as session, session.begin():
                access_token, _ = service.exchange_public_token(session, caller, public_token, now)
            outcome = access_token
        except errors.PlaidError as error:
            outcome = error.error_code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=exchange) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [outcome for outcome in outcomes if outcome.startswith("access-sandbox-")]
    assert len(winners) == 1
    assert sorted(set(outcomes) - set(winners)) == ["INVALID_PUBLIC_TOKEN"]
