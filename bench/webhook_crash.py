"""Measure webhook recovery after a crash: kill -9 the server during a burst, restart it, and time
how long the deliveries that were in flight take to go out again, and how many arrive twice.

For each database: a fresh `gingham serve` and a slow receiver (each delivery answered after
--delay seconds, so that up to 64 are in flight at once). N events are fired; once about a
third have arrived, the server is killed with SIGKILL, the attempts then in flight are counted
in the database, and a new `gingham serve` starts on the same database. Reported: the time from
the restart to the first and to the last redelivery of an event that was in flight, and the
number of events the receiver got twice (each keeps its Gingham-Delivery-Id, so a receiver that
dedupes on it sees each event once).

    .venv/bin/python bench/webhook_crash.py [--database sqlite|postgresql ...] [--events 300]
        [--delay 1.0] [--write-section docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
from gingham_server import GINGHAM, create_client, free_port, fresh_database, server_env
from sqlalchemy import func, select
from webhooks import (
    FIRE,
    database_url,
    fire_body,
    linked_item,
    post,
    receiver_process,
    wait_for_deliveries,
    write_section,
)
from wrk_runner import BenchError

from gingham.db import make_engine
from gingham.webhooks.models import WebhookAttempt

SECTION_TITLE = "## Webhook recovery after a crash"


@dataclass(frozen=True, slots=True)
class Recovery:
    database: str
    events: int
    in_flight_at_kill: int
    first_redelivery_s: float
    last_redelivery_s: float
    all_delivered_s: float
    duplicates: int


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(GINGHAM), "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_gingham/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    raise BenchError("gingham serve did not start")


def in_flight(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(WebhookAttempt.event_id).where(WebhookAttempt.status == "in_flight")
            ).all()
    finally:
        engine.dispose()
    return {row.event_id for row in rows}


def arrivals_of(output: Path) -> list[tuple[str, float]]:
    lines = output.read_text().splitlines() if output.exists() else []
    return [(parts[0], float(parts[1])) for parts in (line.split() for line in lines)]


def measure(database: str, events: int, delay: float) -> Recovery:
    with tempfile.TemporaryDirectory() as work, fresh_database(database) as db:
        work_dir = Path(work)
        env = server_env(db)
        url = database_url(env)
        credentials = create_client(env)
        port = free_port()
        log = work_dir / "server.log"
        with receiver_process(work_dir, delay=delay) as (webhook, output):
            server = start_server(env, port, log)
            headers = {"PLAID-CLIENT-ID": credentials.client_id, "PLAID-SECRET": credentials.secret}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
                access_token = linked_item(client, webhook)
                for _ in range(events):
                    post(client, FIRE, fire_body(access_token))
            # Once a third have been acknowledged, the worker is busy with the next batch.
            engine = make_engine(url)
            done = select(func.count()).where(WebhookAttempt.status == "succeeded")
            while True:
                with engine.connect() as connection:
                    if connection.execute(done).scalar_one() >= events // 3:
                        break
                time.sleep(0.01)
            engine.dispose()
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
            held = in_flight(url)
            restarted_at = time.time()
            server = start_server(env, port, log)
            try:
                wait_for_deliveries(env, events, timeout=300)
            finally:
                server.terminate()
                server.wait(timeout=30)
        arrived = arrivals_of(output)
    counts = Counter(event for event, _ in arrived)
    redelivered = [moment for event, moment in arrived if event in held and moment >= restarted_at]
    if len(set(counts)) < events:
        raise BenchError(f"only {len(set(counts))} of {events} events arrived")
    return Recovery(
        database=database,
        events=events,
        in_flight_at_kill=len(held),
        first_redelivery_s=(min(redelivered) - restarted_at) if redelivered else float("nan"),
        last_redelivery_s=(max(redelivered) - restarted_at) if redelivered else float("nan"),
        all_delivered_s=max(moment for _, moment in arrived) - restarted_at,
        duplicates=sum(1 for count in counts.values() if count > 1),
    )


def section(results: list[Recovery], argv: list[str]) -> str:
    if "--write-section" in argv:
        at = argv.index("--write-section")
        argv = argv[:at] + argv[at + 2 :]
    rows = [
        f"| {r.database} | {r.events} | {r.in_flight_at_kill} | {r.first_redelivery_s:.2f} s | "
        f"{r.last_redelivery_s:.2f} s | {r.all_delivered_s:.2f} s | {r.duplicates} |"
        for r in results
    ]
    return "\n".join(
        [
            SECTION_TITLE,
            "",
            f"`bench/webhook_crash.py {' '.join(argv)}`: the server is killed with SIGKILL once a "
            "third of a burst has been acknowledged by a slow receiver, then restarted on the "
            "same database. Times are from the restart (which includes the process starting and "
            "migrating, about a second).",
            "",
            "| Database | Events | In flight at the kill | First redelivery | Last redelivery "
            "| All delivered | Received twice |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            "A restarted server ends at once the leases its dead process held (same host, pid "
            "gone), so their attempts go out as soon as it is up; on another host, or for a worker "
            "that hangs rather than dies, they go out when the 15-second lease runs out. Only "
            "deliveries that were in flight can arrive twice (the receiver may have got them before "
            "the kill), and each keeps its `Gingham-Delivery-Id`.",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--write-section", type=Path)
    args = parser.parse_args(argv)
    results = [
        measure(database, args.events, args.delay) for database in args.database or ["sqlite"]
    ]
    text = section(results, argv)
    print(text)
    if args.write_section:
        write_section(args.write_section, text, SECTION_TITLE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
