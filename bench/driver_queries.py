"""What the hot reads cost per call in one process, through SQLAlchemy's Core execution and on
the driver (gingham.driver_queries), and what /accounts/get's unit of work costs (session,
the secret, the Item and its accounts on the driver) as a writing unit (BEGIN IMMEDIATE on
SQLite, BEGIN on PostgreSQL, COMMIT), as a read-only one, and as a read-only one whose Item
and accounts are read cache hits (gingham.read_cache). docs/PERFORMANCE.md ("A thin data layer
for hot paths") has the results.

    .venv/bin/python bench/driver_queries.py [--database sqlite|postgresql ...] [--rounds 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from gingham_server import fresh_database
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from gingham import driver_queries
from gingham.accounts.models import Account, AccountRecord
from gingham.clients import service as clients_service
from gingham.db import make_engine, make_session_factory, migrate, read_only_session
from gingham.items.models import AccessToken, Item, ItemRecord
from gingham.read_cache import service as read_cache
from gingham.wire.ids import token_hash

ACCOUNTS = 12


def per_call_us(rounds: int, call: Callable[[], object]) -> float:
    """The median of five timings of `rounds` calls, per call (the machine is shared)."""
    for _ in range(min(rounds, 200)):  # warm up statement caches and the connection
        call()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            call()
        timings.append((time.perf_counter() - started) / rounds * 1e6)
    return statistics.median(timings)


def _seed(factory: sessionmaker[Session]) -> tuple[str, str, str]:
    now = datetime.now(UTC)
    with factory() as session, session.begin():
        issued = clients_service.create_client(session, "bench", now)
        client_id = issued.client_id
        session.execute(
            insert(Item),
            {
                "id": "item-bench",
                "client_id": client_id,
                "environment": "sandbox",
                "institution_id": "ins_109508",
                "billed_products": ["auth", "transactions"],
                "consented_products": ["auth", "transactions"],
                "error": None,
                "update_type": "background",
                "created_at": now,
            },
        )
        session.execute(
            insert(Account),
            [
                {
                    "id": f"account-{n}",
                    "item_id": "item-bench",
                    "position": n,
                    "name": f"Account {n}",
                    "type": "depository",
                    "available_balance": 100.0,
                    "current_balance": 110.0,
                    "iso_currency_code": "USD",
                    "balances_updated_at": now,
                    "numbers_tokenized": False,
                }
                for n in range(ACCOUNTS)
            ],
        )
        session.execute(
            insert(AccessToken),
            {"token_hash": token_hash("access-bench"), "item_id": "item-bench", "created_at": now},
        )
    return client_id, token_hash(issued.secret), token_hash("access-bench")


def _through_core(
    session: Session, query: driver_queries.NamedQuery[Any], make: Any, **p: Any
) -> Any:
    return [make(*row) for row in session.connection().execute(query.statement, p)]


def measure(database_url: str, rounds: int) -> dict[str, float]:
    engine = make_engine(database_url)
    migrate(engine)
    factory = make_session_factory(engine)
    client_id, secret_hash, hashed = _seed(factory)
    item_by_token = driver_queries.ITEM_BY_ACCESS_TOKEN
    accounts = driver_queries.ACCOUNTS_OF_ITEM
    results: dict[str, float] = {}
    with factory() as session, session.begin():
        results["Item by access token, Core"] = per_call_us(
            rounds, lambda: _through_core(session, item_by_token, ItemRecord, token_hash=hashed)
        )
        results["Item by access token, driver"] = per_call_us(
            rounds, lambda: item_by_token.first(session, token_hash=hashed)
        )
        results[f"{ACCOUNTS} accounts of the Item, Core"] = per_call_us(
            rounds, lambda: _through_core(session, accounts, AccountRecord, item_id="item-bench")
        )
        results[f"{ACCOUNTS} accounts of the Item, driver"] = per_call_us(
            rounds, lambda: accounts.all(session, item_id="item-bench")
        )

    def reads(session: Session) -> None:
        driver_queries.SECRET_ENVIRONMENT.first(
            session, secret_hash=secret_hash, client_id=client_id
        )
        item_by_token.first(session, token_hash=hashed)
        accounts.all(session, item_id="item-bench")

    def writing_unit() -> None:
        with factory() as session, session.begin():
            reads(session)

    def read_only_unit() -> None:
        with read_only_session(factory) as session:
            reads(session)

    # The same reads through the read cache (gingham.read_cache), on an engine of their own as
    # in a server process: after the first round every one is a hit, with its version check.
    cached_engine = make_engine(database_url)
    read_cache.install(cached_engine, 100)
    cached_factory = make_session_factory(cached_engine)

    def cached_read_only_unit() -> None:
        with read_only_session(cached_factory) as session:
            driver_queries.SECRET_ENVIRONMENT.first(
                session, secret_hash=secret_hash, client_id=client_id
            )
            read_cache.item_by_access_token(session, hashed)
            read_cache.accounts_of_item(session, "item-bench")

    results["/accounts/get's reads, writing unit"] = per_call_us(rounds, writing_unit)
    results["/accounts/get's reads, read-only unit"] = per_call_us(rounds, read_only_unit)
    results["the same, read cache hits"] = per_call_us(rounds, cached_read_only_unit)
    cached_engine.dispose()
    engine.dispose()
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args(argv)
    for name in args.database or ["sqlite", "postgresql"]:
        with fresh_database(name) as database:
            url = database.env.get("GINGHAM_DATABASE_URL") or (
                f"sqlite:///{database.env['GINGHAM_DATA_DIR']}/gingham.db"
            )
            print(f"{name}: {database.version}")
            for label, microseconds in measure(url, args.rounds).items():
                print(f"  {label:<40} {microseconds:8.1f} µs per call")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
