"""Benchmark one `gingham serve` process with wrk.

Starts a server on a free loopback port with a fresh database, provisions an API client, then
measures, one after another: the bare health endpoint (the ceiling of the server stack),
/link/token/create, the /sandbox/public_token/create + /item/public_token/exchange pair,
/accounts/get, /transactions/get (a page of 100) and /transactions/sync (pages of 100, and pages of
500 through whole histories). Prints a table and, with --write, writes docs/PERFORMANCE.md.

    .venv/bin/python bench/run.py [--duration 10] [--connections 16]
        [--database sqlite|postgresql ...] [--write docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cpu_usage import OTHER_CPU_LIMIT_PCT, CpuSample, CpuUse, wait_for_quiet_machine
from gingham_server import (
    DEFAULT_POSTGRES_URL,
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
from report import (
    Document,
    Row,
    Run,
    existing_later_sections,
    existing_notes,
    format_table,
    render_document,
)
from transactions import PULL_SECONDS, prepare_sync_pages
from wrk_runner import BenchError, WrkResult, WrkSettings, ensure_wrk, run_wrk

PREPARED_ITEMS = 50
ATTEMPTS_PER_SCENARIO = 2  # a run disturbed by other processes is measured once more


@dataclass(frozen=True, slots=True)
class Scenario:
    label: str
    script: str  # in bench/lua
    is_pair: bool = False
    needs_access_tokens: bool = False
    # The /transactions/sync page size whose prepared cursors the script replays.
    sync_count: int | None = None


SCENARIOS = (
    Scenario("POST /_gingham/health (ceiling)", "health.lua"),
    Scenario("POST /link/token/create", "link_token_create.lua"),
    Scenario(
        "POST /sandbox/public_token/create + /item/public_token/exchange",
        "public_token_pair.lua",
        is_pair=True,
    ),
    Scenario("POST /accounts/get", "accounts_get.lua", needs_access_tokens=True),
    Scenario(
        "POST /transactions/get (count 100)", "transactions_get.lua", needs_access_tokens=True
    ),
    Scenario("POST /transactions/sync (count 100)", "transactions_sync.lua", sync_count=100),
    Scenario(
        "POST /transactions/sync (count 500, whole history)",
        "transactions_sync.lua",
        sync_count=500,
    ),
)


# What a run with several API processes measures: the ceiling, a write and a read.
SCALE_OUT_SCRIPTS = ("health.lua", "link_token_create.lua", "accounts_get.lua")


@dataclass(frozen=True, slots=True)
class Settings:
    wrk: WrkSettings
    databases: list[str]
    write: Path | None
    quiet_wait_s: int
    workers: int
    # GINGHAM_READ_CACHE for the server (None: its default), to compare the cache on and off.
    read_cache: int | None = None
    # The scripts to run (bench/lua), or None for all the scenarios.
    only: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """What a run measures against."""

    server: Server
    database: Database
    credentials: Credentials
    tokens_file: Path
    sync_pages: dict[int, Path]


def parse_args(argv: list[str]) -> Settings:
    parser = argparse.ArgumentParser(description="Benchmark one `gingham serve` process with wrk.")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument(
        "--database",
        action="append",
        choices=("sqlite", "postgresql"),
        help="database to run against (sqlite); repeat to run several, one after another",
    )
    parser.add_argument("--write", type=Path, help="write the results as Markdown to this path")
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=60,
        help="before each wrk run, wait up to this many seconds for other processes to idle (60)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes (gingham serve --workers N; PostgreSQL only above 1); above 1, only "
        "the ceiling, /link/token/create and /accounts/get are measured",
    )
    parser.add_argument(
        "--read-cache",
        type=int,
        help="GINGHAM_READ_CACHE for the server (its default unless given; 0 turns it off)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted({scenario.script for scenario in SCENARIOS}),
        help="run only this script's scenario; repeat for several",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be positive")
    if args.duration < 1 or args.connections < 1 or args.quiet_wait < 0:
        parser.error("--duration and --connections must be positive, --quiet-wait not negative")
    return Settings(
        WrkSettings(args.duration, args.connections),
        args.database or ["sqlite"],
        args.write,
        args.quiet_wait,
        args.workers,
        args.read_cache,
        tuple(args.only) if args.only else None,
    )


def reproduce_command(settings: Settings) -> str:
    parts = [".venv/bin/python bench/run.py"]
    parts += [f"--duration {settings.wrk.duration_s}", f"--connections {settings.wrk.connections}"]
    parts += [f"--database {database}" for database in settings.databases]
    if settings.workers > 1:
        parts.append(f"--workers {settings.workers}")
    if settings.read_cache is not None:
        parts.append(f"--read-cache {settings.read_cache}")
    parts += [f"--only {script}" for script in settings.only or ()]
    return " ".join([*parts, "--write docs/PERFORMANCE.md"])


def to_row(scenario: Scenario, result: WrkResult, cpu: CpuUse, database: Database) -> Row:
    def percent(seconds: float) -> float:
        return 100 * seconds / result.duration_s

    in_process = database.env.get("GINGHAM_DATABASE_URL") is None
    return Row(
        label=scenario.label,
        requests_per_s=result.requests_per_s,
        pairs_per_s=result.completed_per_s if scenario.is_pair else None,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        server_cpu_pct=percent(cpu.server),
        database_cpu_pct=None if in_process else percent(cpu.database),
        other_cpu_pct=percent(cpu.others),
    )


def measure_once(wrk: str, scenario: Scenario, target: Target, settings: Settings) -> Row:
    script_args = [target.credentials.client_id, target.credentials.secret]
    if scenario.needs_access_tokens:
        script_args.append(str(target.tokens_file))
    if scenario.sync_count is not None:
        script_args += [str(target.sync_pages[scenario.sync_count]), str(scenario.sync_count)]
    pid, backends = target.server.pid, target.database.backend_pids
    wait_for_quiet_machine(pid, backends, settings.quiet_wait_s)
    print(f"  wrk {settings.wrk.duration_s}s: {scenario.label}", file=sys.stderr, flush=True)
    before = CpuSample.take(pid, backends)
    result = run_wrk(wrk, scenario.script, target.server.base_url, script_args, settings.wrk)
    cpu = CpuUse.between(before, CpuSample.take(pid, backends))
    return to_row(scenario, result, cpu, target.database)


def measure(wrk: str, scenario: Scenario, target: Target, settings: Settings) -> Row:
    """One wrk run, measured once more if other processes disturbed it."""
    for attempt in range(1, ATTEMPTS_PER_SCENARIO + 1):
        row = measure_once(wrk, scenario, target, settings)
        if row.other_cpu_pct <= OTHER_CPU_LIMIT_PCT:
            break
        again = "; measuring again" if attempt < ATTEMPTS_PER_SCENARIO else ""
        print(
            f"  WARNING: other processes used {row.other_cpu_pct:.0f}% of a CPU during this run, "
            f"so its numbers are disturbed{again}",
            file=sys.stderr,
        )
    return row


def run_benchmark(wrk: str, database_name: str, settings: Settings) -> Run:
    with (
        fresh_database(database_name) as database,
        tempfile.TemporaryDirectory(prefix="gingham-bench-run-") as work,
    ):
        print(f"{database_name}: {database.version}", file=sys.stderr, flush=True)
        env = {**server_env(database), "GINGHAM_TRANSACTIONS_PULL_SECONDS": PULL_SECONDS}
        if settings.read_cache is not None:
            env["GINGHAM_READ_CACHE"] = str(settings.read_cache)
        credentials = create_client(env)
        log_path = Path(work) / "server.log"
        try:
            with running_server(env, log_path, settings.workers) as server:
                tokens = prepare_access_tokens(server, credentials, PREPARED_ITEMS)
                tokens_file = Path(work) / "access_tokens.txt"
                tokens_file.write_text("\n".join(tokens) + "\n")
                sync_pages = (
                    prepare_sync_pages(server, credentials, tokens, Path(work))
                    if settings.workers == 1
                    and (settings.only is None or "transactions_sync.lua" in settings.only)
                    else {}
                )
                warm_up(server, credentials, tokens[0])
                target = Target(server, database, credentials, tokens_file, sync_pages)
                rows = [
                    measure(wrk, scenario, target, settings)
                    for scenario in SCENARIOS
                    if settings.workers == 1 or scenario.script in SCALE_OUT_SCRIPTS
                    if settings.only is None or scenario.script in settings.only
                ]
        except BenchError:
            print(f"--- end of the server log ({log_path}) ---", file=sys.stderr)
            print(log_path.read_text(errors="replace")[-5000:], file=sys.stderr)
            raise
        if problems := server_log_problems(log_path):
            raise BenchError("the server logged errors:\n" + "\n".join(problems[:60]))
    return Run(database_name, database.version, rows)


def write_document(path: Path, runs: list[Run], wrk: str, settings: Settings) -> None:
    document = Document(
        runs=runs,
        wrk=wrk,
        wrk_settings=settings.wrk,
        prepared_items=PREPARED_ITEMS,
        reproduce=reproduce_command(settings),
        postgres_url=DEFAULT_POSTGRES_URL,
    )
    notes, later = existing_notes(path), existing_later_sections(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render_document(document, notes)
    path.write_text(text + "\n" + later if later else text)


def main(argv: list[str]) -> int:
    settings = parse_args(argv)
    wrk = ensure_wrk()
    runs = []
    try:
        for database_name in settings.databases:
            run = run_benchmark(wrk, database_name, settings)
            print(f"\n{run.database_version}\n\n{format_table(run.rows)}\n", flush=True)
            runs.append(run)
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    if settings.write is not None:
        write_document(settings.write, runs, wrk, settings)
        print(f"wrote {settings.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
