"""What checking an API secret costs, per request, in one process: from the verified-secret
cache, by reading the secret by its unique index (what Gingham does), and by reading one row by
its primary key (what checking a cache's version row would cost instead). docs/PERFORMANCE.md
("Secrets across processes") has the results.

    .venv/bin/python bench/secret_check.py [--database sqlite|postgresql ...] [--rounds 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from gingham_server import fresh_database
from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.clients import service
from gingham.clients.models import ApiClient
from gingham.db import make_engine, make_session_factory, migrate
from gingham.wire.ids import token_hash


def per_call_us(rounds: int, call: Callable[[], object]) -> float:
    for _ in range(min(rounds, 200)):  # warm up statement caches and the connection
        call()
    started = time.perf_counter()
    for _ in range(rounds):
        call()
    return (time.perf_counter() - started) / rounds * 1e6


def measure(database_url: str, rounds: int) -> dict[str, float]:
    engine = make_engine(database_url)
    migrate(engine)
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        issued = service.create_client(session, "bench", datetime.now(UTC))
    cache = service.VerifiedSecrets()
    cache.put(issued.client_id, token_hash(issued.secret), "sandbox")
    by_primary_key = select(ApiClient.id).where(ApiClient.id == issued.client_id)
    results: dict[str, float] = {}
    with factory() as session, session.begin():
        results["verified-secret cache (SHA-256 + dict)"] = per_call_us(
            rounds, lambda: cache.get(issued.client_id, token_hash(issued.secret))
        )
        results["secret read by its unique index (Gingham)"] = per_call_us(
            rounds,
            lambda: service.authenticate(session, issued.client_id, token_hash(issued.secret)),
        )
        results["one row by primary key (a version row)"] = per_call_us(
            rounds, lambda: _scalar(session, by_primary_key)
        )
    engine.dispose()
    return results


def _scalar(session: Session, statement: object) -> object:
    return session.connection().execute(statement).scalar()  # type: ignore[call-overload]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=5000)
    args = parser.parse_args(argv)
    for name in args.database or ["sqlite", "postgresql"]:
        with fresh_database(name) as database:
            url = database.env.get("GINGHAM_DATABASE_URL") or (
                f"sqlite:///{database.env['GINGHAM_DATA_DIR']}/gingham.db"
            )
            print(f"{name}: {database.version}")
            for label, microseconds in measure(url, args.rounds).items():
                print(f"  {label:<45} {microseconds:8.1f} µs per check")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
