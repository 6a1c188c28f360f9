"""Benchmark webhook delivery: throughput and event-to-delivery latency to a local receiver.

For each database, a fresh `gingham serve` and a receiver process (bench/webhook_receiver.py) on
loopback, one API client and one Item whose webhook is the receiver, then:

- **drain**: with the server's worker off (GINGHAM_WORKER=0), N events are queued through
  /sandbox/item/fire_webhook; then one `gingham worker` process starts, and the time from its
  start until the receiver has every event gives deliveries/s (process start-up included, about
  a second, so the figure is a floor).
- **steady**: the server's in-process worker on; events are fired one at a time at a fixed rate.
  Latency is receiver arrival minus the event's created_at (taken as the request that queued it
  began, same machine clock): the request's own commit, the wake-up, signing and the POST.
- **burst**: the in-process worker on; C concurrent clients fire as fast as they can for T
  seconds; deliveries/s while the API is loaded too, and the latencies under that load.

    .venv/bin/python bench/webhooks.py [--database sqlite|postgresql ...] [--events 2000]
        [--rate 50] [--burst-seconds 10] [--write-section docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from gingham_server import (
    GINGHAM,
    create_client,
    free_port,
    fresh_database,
    running_server,
    server_env,
    server_log_problems,
)
from sqlalchemy import func, select
from wrk_runner import BenchError

from gingham.db import make_engine
from gingham.webhooks.models import WebhookAttempt, WebhookEvent

SECTION_TITLE = "## Webhook delivery"


@dataclass(frozen=True, slots=True)
class Measure:
    scenario: str
    events: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.events / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextlib.contextmanager
def receiver_process(work_dir: Path, delay: float = 0.0) -> Iterator[tuple[str, Path]]:
    port = free_port()
    output = work_dir / f"arrivals-{port}.txt"
    process = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).parent / "webhook_receiver.py"),
            str(port),
            str(output),
            str(delay),
        ],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != b"ready":
        raise BenchError("the receiver did not start")
    try:
        yield f"http://127.0.0.1:{port}/hook", output
    finally:
        process.terminate()
        process.wait(timeout=30)


def arrivals(output: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in output.read_text().splitlines():
        delivery_id, arrived = line.split()
        if delivery_id in found:
            raise BenchError(f"event {delivery_id} was delivered twice")
        found[delivery_id] = float(arrived)
    return found


def linked_item(client: httpx.Client, webhook: str) -> str:
    public_token = post(
        client,
        "/sandbox/public_token/create",
        {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {"webhook": webhook},
        },
    )["public_token"]
    return str(
        post(client, "/item/public_token/exchange", {"public_token": public_token})["access_token"]
    )


def post(client: httpx.Client, path: str, body: Mapping[str, object]) -> dict[str, object]:
    response = client.post(path, json=body)
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}: {response.text[:300]}")
    result: dict[str, object] = response.json()
    return result


FIRE = "/sandbox/item/fire_webhook"


def fire_body(access_token: str) -> dict[str, str]:
    return {"access_token": access_token, "webhook_code": "SYNC_UPDATES_AVAILABLE"}


def created_times(database_url: str) -> dict[str, float]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(WebhookEvent.id, WebhookEvent.created_at)).all()
    finally:
        engine.dispose()
    return {event_id: created.timestamp() for event_id, created in rows}


def wait_for_deliveries(env: Mapping[str, str], events: int, timeout: float = 300.0) -> None:
    """Until `events` attempts have succeeded, read from the database itself."""
    engine = make_engine(database_url(env))
    query = select(func.count()).where(WebhookAttempt.status == "succeeded")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.execute(query).scalar_one() >= events:
                    return
            time.sleep(0.02)
    finally:
        engine.dispose()
    raise BenchError("deliveries did not finish in time")


def latencies(created: Mapping[str, float], arrived: Mapping[str, float]) -> list[float]:
    return [(arrived[event] - created[event]) * 1000 for event in arrived if event in created]


def database_url(env: Mapping[str, str]) -> str:
    if "GINGHAM_DATABASE_URL" in env:
        return env["GINGHAM_DATABASE_URL"]
    return f"sqlite:///{env['GINGHAM_DATA_DIR']}/gingham.db"


def measure_drain(env: dict[str, str], work_dir: Path, events: int) -> Measure:
    env = {**env, "GINGHAM_WORKER": "0"}
    credentials = create_client(env)
    with (
        running_server(env, work_dir / "drain.log") as server,
        receiver_process(work_dir) as (url, output),
    ):
        with httpx.Client(
            base_url=server.base_url, headers=credentials.headers(), timeout=30
        ) as client:
            access_token = linked_item(client, url)
            for _ in range(events):
                post(client, FIRE, fire_body(access_token))
            started = time.monotonic()
            worker = subprocess.Popen(
                [str(GINGHAM), "worker"],
                env=env,
                stdout=(work_dir / "worker.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            try:
                wait_for_deliveries(env, events)
                seconds = time.monotonic() - started
            finally:
                worker.terminate()
                worker.wait(timeout=30)
        check_log(work_dir / "drain.log")
    arrived = arrivals(output)
    if len(arrived) != events:
        raise BenchError(f"drain: {len(arrived)} of {events} events arrived")
    return Measure(
        "drain (one `gingham worker`)",
        events,
        seconds,
        latencies(created_times(database_url(env)), arrived),
    )


def measure_steady(env: dict[str, str], work_dir: Path, events: int, rate: float) -> Measure:
    credentials = create_client(env)
    with (
        running_server(env, work_dir / "steady.log") as server,
        receiver_process(work_dir) as (url, output),
    ):
        with httpx.Client(
            base_url=server.base_url, headers=credentials.headers(), timeout=30
        ) as client:
            access_token = linked_item(client, url)
            started = time.monotonic()
            for n in range(events):
                pause = started + n / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                post(client, FIRE, fire_body(access_token))
            wait_for_deliveries(env, events)
            seconds = time.monotonic() - started
        check_log(work_dir / "steady.log")
    arrived = arrivals(output)
    return Measure(
        f"steady ({rate:g} events/s, in-process worker)",
        len(arrived),
        seconds,
        latencies(created_times(database_url(env)), arrived),
    )


def measure_burst(env: dict[str, str], work_dir: Path, seconds: float, clients: int) -> Measure:
    credentials = create_client(env)
    fired = [0] * clients
    with (
        running_server(env, work_dir / "burst.log") as server,
        receiver_process(work_dir) as (url, output),
    ):
        with httpx.Client(
            base_url=server.base_url, headers=credentials.headers(), timeout=30
        ) as client:
            access_token = linked_item(client, url)

            def fire_for(index: int, until: float) -> None:
                with httpx.Client(
                    base_url=server.base_url, headers=credentials.headers(), timeout=30
                ) as own:
                    while time.monotonic() < until:
                        post(own, FIRE, fire_body(access_token))
                        fired[index] += 1

            started = time.monotonic()
            threads = [
                threading.Thread(target=fire_for, args=(n, started + seconds))
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wait_for_deliveries(env, sum(fired))
            elapsed = time.monotonic() - started
        check_log(work_dir / "burst.log")
    arrived = arrivals(output)
    if len(arrived) != sum(fired):
        raise BenchError(f"burst: {len(arrived)} of {sum(fired)} events arrived")
    return Measure(
        f"burst ({clients} clients firing for {seconds:g} s, in-process worker)",
        len(arrived),
        elapsed,
        latencies(created_times(database_url(env)), arrived),
    )


def check_log(path: Path) -> None:
    problems = server_log_problems(path)
    if problems:
        raise BenchError(f"{path.name} reports errors:\n" + "\n".join(problems[:10]))


def run(database: str, args: argparse.Namespace) -> tuple[str, list[Measure]]:
    measures = []
    for scenario in ("drain", "steady", "burst"):
        with fresh_database(database) as fresh, tempfile.TemporaryDirectory() as work:
            # The bank's port must not be left to chance (Gingham's port + 1 may be taken).
            env = {**server_env(fresh), "GINGHAM_BANK_PORT": str(free_port())}
            work_dir = Path(work)
            if scenario == "drain":
                measures.append(measure_drain(env, work_dir, args.events))
            elif scenario == "steady":
                measures.append(measure_steady(env, work_dir, args.steady_events, args.rate))
            else:
                measures.append(measure_burst(env, work_dir, args.burst_seconds, args.clients))
            version = fresh.version
        print(format_row(measures[-1]), flush=True)
    return version, measures


def format_row(measure: Measure) -> str:
    # Drained events were queued before the worker started: their latency measures the queue.
    if measure.scenario.startswith("drain"):
        latency = "- | -"
    else:
        latency = f"{statistics.median(measure.latencies_ms):.1f} | {measure.percentile(0.99):.1f}"
    return f"| {measure.scenario} | {measure.events:,} | {measure.per_second:,.0f} | {latency} |"


TABLE_HEAD = (
    "| scenario | events | deliveries/s | p50 latency ms | p99 latency ms |\n"
    "|---|---:|---:|---:|---:|"
)


def section(results: list[tuple[str, str, list[Measure]]], argv: list[str]) -> str:
    lines = [
        SECTION_TITLE,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `bench/webhooks.py` "
        f"(`{' '.join(['.venv/bin/python', 'bench/webhooks.py', *argv])}`), on the machine above.",
        "",
    ]
    for database, version, measures in results:
        lines += [f"### {database}", "", f"Database: {version}.", "", TABLE_HEAD]
        lines += [format_row(measure) for measure in measures]
        lines.append("")
    return "\n".join(lines)


def write_section(path: Path, text: str, title: str = SECTION_TITLE) -> None:
    """Replace the `title` section of `path` (or append it), keeping everything else."""
    document = path.read_text()
    start = document.find(title)
    if start == -1:
        document = document.rstrip("\n") + "\n\n" + text
    else:
        end = document.find("\n## ", start + len(title))
        notes = ""
        if end != -1:
            notes = document[end:]
        # Keep the hand-written notes that follow the table (### Notes …) inside the section.
        marker = document.find("\n### Notes", start)
        if marker != -1 and (end == -1 or marker < end):
            notes = document[marker : end if end != -1 else len(document)] + notes
        document = document[:start] + text.rstrip("\n") + "\n" + notes
    path.write_text(document.rstrip("\n") + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--events", type=int, default=2000, help="events drained (2000)")
    parser.add_argument(
        "--steady-events", type=int, default=500, help="events fired steadily (500)"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="steady events per second (50)")
    parser.add_argument("--burst-seconds", type=float, default=10.0, help="burst length (10)")
    parser.add_argument("--clients", type=int, default=8, help="burst's concurrent clients (8)")
    parser.add_argument("--write-section", type=Path, help="put the results in this Markdown file")
    args = parser.parse_args(argv)
    print(TABLE_HEAD)
    results = []
    try:
        for database in args.database or ["sqlite"]:
            version, measures = run(database, args)
            results.append(
                (
                    database.replace("sqlite", "SQLite").replace("postgresql", "PostgreSQL"),
                    version,
                    measures,
                )
            )
    except BenchError as problem:
        print(f"bench/webhooks.py: {problem}", file=sys.stderr)
        return 1
    if args.write_section:
        write_section(args.write_section, section(results, argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
