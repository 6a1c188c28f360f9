"""What the request log costs: the same endpoints with request logging off and on.

Starts two `gingham serve` processes: one with GINGHAM_REQUEST_LOG=0, one with the log on (the
default). On PostgreSQL they share one fresh database, so that they read the same rows from the
same caches; on SQLite each has a fresh database of its own, prepared alike. Then, endpoint by endpoint, measures
them with wrk in turn, off-on then on-off, so that drift in the machine's load and any advantage
of going first or second fall on both alike, and reports each side's mean requests/s and latency
and the difference.

    .venv/bin/python bench/request_log.py [--duration 5] [--connections 1 --connections 16]
        [--database sqlite|postgresql ...] [--write-section docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
from cpu_usage import child_pids, pin_process_tree
from gingham_server import (
    Credentials,
    Database,
    Server,
    create_client,
    fresh_database,
    prepare_access_tokens,
    running_server,
    server_env,
    server_log_problems,
    warm_up,
)
from run import SCENARIOS, Scenario, Target, measure_once
from run import Settings as RunSettings
from transactions import ADVANCE_PAST_PULLS, PULL_SECONDS
from webhooks import write_section
from wrk_runner import BenchError, WrkSettings, ensure_wrk

SECTION_TITLE = "## Request log"
MEASURED = tuple(
    scenario
    for scenario in SCENARIOS
    if scenario.script
    in (
        "link_token_create.lua",
        "public_token_pair.lua",
        "accounts_get.lua",
        "transactions_get.lua",
    )
)
ROUNDS = 4
PREPARED_ITEMS = 30


@dataclass(frozen=True, slots=True)
class Side:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    # How far apart this side's rounds were: (slowest - fastest) / mean p50, the noise to read
    # each change against.
    p50_spread: float = 0.0


@dataclass(frozen=True, slots=True)
class Comparison:
    label: str
    off: Side
    on: Side


@contextlib.contextmanager
def started(
    database: Database, credentials: Credentials, work: Path, request_log: bool
) -> Iterator[Server]:
    name = "on" if request_log else "off"
    env = {
        **server_env(database),
        "GINGHAM_TRANSACTIONS_PULL_SECONDS": PULL_SECONDS,
        "GINGHAM_REQUEST_LOG": "1" if request_log else "0",
        # Nothing measured sends webhooks, and two servers' workers on one SQLite file would
        # only contend for its write lock.
        "GINGHAM_WORKER": "0",
    }
    log_path = work / f"server-{name}.log"
    with running_server(env, log_path) as server:
        yield server
    if problems := server_log_problems(log_path):
        raise BenchError(f"the server ({name}) logged errors:\n" + "\n".join(problems[:60]))


def _prepare(server: Server, database: Database, credentials: Credentials, work: Path) -> Target:
    """The Items every measured request reads, linked through `server`."""
    tokens = prepare_access_tokens(server, credentials, PREPARED_ITEMS)
    tokens_file = work / "access_tokens.txt"
    tokens_file.write_text("\n".join(tokens) + "\n")
    # The Items' transactions pulled, for /transactions/get.
    with httpx.Client(base_url=server.base_url, headers=credentials.headers(), timeout=600) as http:
        http.post("/_gingham/clock/advance", json={"by": ADVANCE_PAST_PULLS}).raise_for_status()
    warm_up(server, credentials, tokens[0])
    return Target(server, database, credentials, tokens_file, {})


def _side(rows: list[tuple[float, float, float]]) -> Side:
    # Medians: one round that met a busy moment should not move a side.
    requests_per_s, p50_ms, p99_ms = (
        statistics.median(values) for values in zip(*rows, strict=True)
    )
    p50s = [row[1] for row in rows]
    return Side(requests_per_s, p50_ms, p99_ms, (max(p50s) - min(p50s)) / p50_ms)


@contextlib.contextmanager
def _targets(database_name: str, work: Path) -> Iterator[dict[bool, Target]]:
    """The two servers, logging off (False) and on (True), each with the Items it reads.

    On PostgreSQL they share one database, so that they read the same rows from the same
    caches. On SQLite each has a fresh database of its own, prepared alike: two processes on one
    SQLite file would contend for its one write lock, which `gingham serve` never does."""
    shared = database_name == "postgresql"
    with contextlib.ExitStack() as stack:
        databases = {False: stack.enter_context(fresh_database(database_name))}
        databases[True] = (
            databases[False] if shared else stack.enter_context(fresh_database(database_name))
        )
        env = {"GINGHAM_TRANSACTIONS_PULL_SECONDS": PULL_SECONDS}
        credentials = {False: create_client({**server_env(databases[False]), **env})}
        credentials[True] = (
            credentials[False] if shared else create_client({**server_env(databases[True]), **env})
        )
        servers = {
            logging: stack.enter_context(
                started(databases[logging], credentials[logging], work, request_log=logging)
            )
            for logging in (False, True)
        }
        targets: dict[bool, Target] = {}
        for logging in (False, True):
            if shared and targets:
                first = targets[False]
                warm_up(
                    servers[logging], first.credentials, first.tokens_file.read_text().split()[0]
                )
                targets[logging] = replace(first, server=servers[logging])
                continue
            side = work / ("on" if logging else "off")
            side.mkdir()
            targets[logging] = _prepare(
                servers[logging], databases[logging], credentials[logging], side
            )
        yield targets


def compare(
    wrk: str,
    database_name: str,
    settings: RunSettings,
    connection_counts: list[int],
    scenarios: tuple[Scenario, ...] = MEASURED,
    rounds: int = ROUNDS,
    pin: str | None = None,
) -> list[tuple[int, list[Comparison]]]:
    """Per number of wrk connections, each endpoint off and on; with `pin`, each server on the
    last CPU and wrk on the others, the processes the server started (the log's writer) with
    the server ("shared") or with wrk ("apart")."""
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="gingham-bench-log-") as work,
        _targets(database_name, Path(work)) as targets,
    ):
        for connections in connection_counts:
            run_settings = replace(settings, wrk=replace(settings.wrk, connections=connections))
            comparisons = []
            for scenario in scenarios:
                measured: dict[bool, list[tuple[float, float, float]]] = {False: [], True: []}
                for round_number in range(rounds):
                    # Off then on, then on then off: whatever the order favours falls on both.
                    order = (False, True) if round_number % 2 == 0 else (True, False)
                    for logging in order:
                        if pin:
                            _pin(targets[logging].server.pid, writer_apart=pin == "apart")
                        row = measure_once(wrk, scenario, targets[logging], run_settings)
                        measured[logging].append((row.requests_per_s, row.p50_ms, row.p99_ms))
                comparisons.append(
                    Comparison(scenario.label, _side(measured[False]), _side(measured[True]))
                )
            results.append((connections, comparisons))
    return results


def _pin(server_pid: int, *, writer_apart: bool) -> None:
    cpus = sorted(os.sched_getaffinity(0) | {*range(os.cpu_count() or 1)})
    if len(cpus) < 2:
        raise BenchError("--pin needs at least two CPUs")
    others, last = set(cpus[:-1]), {cpus[-1]}
    os.sched_setaffinity(0, others)
    # Again before every run: the writer process starts with the server's first logged request.
    pin_process_tree(server_pid, last)
    if writer_apart:
        for child in child_pids(server_pid):
            pin_process_tree(child, others)


def _heading(database_name: str, connections: int) -> str:
    if connections == 1:
        return f"{database_name}, 1 connection: one request at a time, the request's own path"
    return f"{database_name}, {connections} connections: the server saturated"


def _change(off: float, on: float) -> str:
    return f"{100 * (on - off) / off:+.1f}%"


TABLE_HEAD = (
    "| endpoint | req/s off | req/s on | change | p50 ms off | p50 ms on | change "
    "| p99 ms off | p99 ms on | p50 spread off / on |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def format_table(comparisons: list[Comparison]) -> str:
    lines = [TABLE_HEAD]
    for c in comparisons:
        lines.append(
            f"| {c.label} | {c.off.requests_per_s:,.0f} | {c.on.requests_per_s:,.0f} "
            f"| {_change(c.off.requests_per_s, c.on.requests_per_s)} "
            f"| {c.off.p50_ms:.2f} | {c.on.p50_ms:.2f} | {_change(c.off.p50_ms, c.on.p50_ms)} "
            f"| {c.off.p99_ms:.2f} | {c.on.p99_ms:.2f} "
            f"| {100 * c.off.p50_spread:.0f}% / {100 * c.on.p50_spread:.0f}% |"
        )
    return "\n".join(lines)


def section(
    results: list[tuple[str, int, list[Comparison]]],
    argv: list[str],
    rounds: int = ROUNDS,
    pin: str | None = None,
) -> str:
    command = " ".join([".venv/bin/python bench/request_log.py", *argv])
    intro = (
        "The cost of recording every API request (gingham.request_log): each endpoint measured "
        "with wrk against two servers on the same machine in the same run, one with "
        f"GINGHAM_REQUEST_LOG=0 and one with the log on, in turn ({rounds} rounds each, off-on "
        "then on-off, the median of the rounds shown), with one connection (a request at a "
        "time: what the log adds to a request's own path) and with several (the server saturated: what its work costs "
        "the machine). The budget is 10% of any endpoint's latency."
    )
    if pin == "shared":
        intro += (
            " Each server, with every process it starts (the log's writer too), ran on one CPU "
            "and wrk on the other (--pin shared): all of the log's work competes with the "
            "request, as when every CPU runs an API process."
        )
    elif pin == "apart":
        intro += (
            " Each server ran on one CPU, and wrk and the processes the server starts (the "
            "log's writer) on the other (--pin apart): the log's writing has a CPU the request "
            "does not need, as when a machine has one to spare."
        )
    lines = [
        SECTION_TITLE,
        "",
        textwrap.fill(intro, width=100),
        "",
        f"    {command}",
        "",
    ]
    for database, connections, comparisons in results:
        lines += [f"### {_heading(database, connections)}", "", format_table(comparisons), ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (5)")
    parser.add_argument(
        "--connections", type=int, action="append", help="wrk connections, repeatable (1 and 16)"
    )
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--quiet-wait", type=int, default=20, help="see bench/run.py (20)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds ({ROUNDS})")
    parser.add_argument(
        "--only", action="append", help="only this scenario's script (e.g. accounts_get.lua)"
    )
    parser.add_argument(
        "--pin",
        choices=["shared", "apart"],
        help="each server on the last CPU, wrk on the others, and the processes the server "
        "starts (the log's writer) with the server (shared) or with wrk (apart)",
    )
    parser.add_argument("--write-section", type=Path, help="replace this section of a file")
    args = parser.parse_args(argv)
    scenarios = tuple(s for s in MEASURED if not args.only or s.script in args.only)
    connection_counts = args.connections or [1, 16]
    settings = RunSettings(
        WrkSettings(args.duration, connection_counts[0]),
        args.database or ["sqlite"],
        None,
        args.quiet_wait,
        workers=1,
    )
    wrk = ensure_wrk()
    results = []
    try:
        for database_name in settings.databases:
            for connections, comparisons in compare(
                wrk, database_name, settings, connection_counts, scenarios, args.rounds, args.pin
            ):
                heading = _heading(database_name, connections)
                print(f"\n{heading}\n\n{format_table(comparisons)}\n", flush=True)
                results.append((database_name, connections, comparisons))
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    if args.write_section:
        shown = [
            a
            for i, a in enumerate(argv)
            if not a.startswith("--write-section") and argv[i - 1] != "--write-section"
        ]
        write_section(
            args.write_section, section(results, shown, args.rounds, args.pin), SECTION_TITLE
        )
        print(f"wrote the {SECTION_TITLE[3:]} section of {args.write_section}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
