"""The results table and docs/PERFORMANCE.md."""

from __future__ import annotations

import platform
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wrk_runner import WrkSettings, wrk_version

NOTES_PLACEHOLDER = "- (analysis to be written)"
DATABASE_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    requests_per_s: float
    pairs_per_s: float | None
    p50_ms: float
    p99_ms: float
    # CPU used during the run, as a percentage of one CPU.
    server_cpu_pct: float
    database_cpu_pct: float | None  # None when the database runs inside the server (SQLite)
    other_cpu_pct: float


@dataclass(frozen=True, slots=True)
class Run:
    database: str  # "sqlite" or "postgresql"
    database_version: str
    rows: list[Row]


@dataclass(frozen=True, slots=True)
class Document:
    runs: list[Run]
    wrk: str
    wrk_settings: WrkSettings
    prepared_items: int
    reproduce: str
    postgres_url: str


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def format_table(rows: list[Row]) -> str:
    ceiling = rows[0].requests_per_s
    lines = [
        "| endpoint | req/s | pairs/s | p50 ms | p99 ms | req/s vs ceiling "
        "| server CPU | DB CPU | other CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        pairs = "-" if row.pairs_per_s is None else f"{row.pairs_per_s:,.0f}"
        lines.append(
            f"| {row.label} | {row.requests_per_s:,.0f} | {pairs} | {row.p50_ms:.2f} "
            f"| {row.p99_ms:.2f} | {_percent(100 * row.requests_per_s / ceiling)} "
            f"| {_percent(row.server_cpu_pct)} | {_percent(row.database_cpu_pct)} "
            f"| {_percent(row.other_cpu_pct)} |"
        )
    return "\n".join(lines)


def _meminfo_total() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_lines(wrk: str) -> list[str]:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return [
        f"- CPUs (`nproc`): {nproc}",
        f"- CPU model (/proc/cpuinfo): {_cpu_model()}",
        f"- Memory (MemTotal in /proc/meminfo): {_meminfo_total()}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- Load generator: {wrk_version(wrk)}",
    ]


def existing_notes(path: Path) -> str | None:
    """The body of an existing document's "## Notes" section, so a rerun keeps it."""
    if not path.exists():
        return None
    match = re.search(r"^## Notes\n(.*?)(?=^## |\Z)", path.read_text(), re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else None


def existing_later_sections(path: Path) -> str:
    """Everything after an existing document's "## Notes" section: the other benchmarks'
    sections, which their own scripts write (--write-section)."""
    if not path.exists():
        return ""
    match = re.search(r"^## Notes\n.*?(?=^## )(.*)", path.read_text(), re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def _run_section(run: Run) -> str:
    title = DATABASE_TITLES[run.database]
    return f"### {title}\n\nDatabase: {run.database_version}.\n\n{format_table(run.rows)}\n"


def render_document(document: Document, notes: str | None) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = document.wrk_settings
    sections = "\n".join(_run_section(run) for run in document.runs)
    machine = "\n".join(machine_lines(document.wrk))
    return f"""# Performance

Measured {when} with `bench/run.py`.

## What is measured

One `gingham serve` process (uvicorn, one worker, access log off, log level `warning`) listening
on 127.0.0.1, with a fresh database and one API client,
written to the database before the server starts. The load generator, [wrk](https://github.com/wg/wrk), runs on the
same machine as the server, against one endpoint at a time, one run after another:

- **ceiling**: `POST /_gingham/health` with a small JSON body: the bare JSON endpoint on the same
  server stack, with no authentication and no database. `req/s vs ceiling` compares each row
  with it.
- `POST /link/token/create`, with the same body every request.
- `POST /sandbox/public_token/create` + `POST /item/public_token/exchange`: the script queues the
  `public_token` of each create response and exchanges it with the next request it sends, so the
  two endpoints alternate. `req/s` and the latencies count both kinds of request together;
  `pairs/s` is completed exchanges per second.
- `POST /accounts/get`, rotating through the access tokens of {document.prepared_items} Items
  linked (create + exchange over plain HTTP) before the runs.

Credentials go in the `PLAID-CLIENT-ID` / `PLAID-SECRET` headers. Each run is
`wrk {" ".join(settings.flags())} -s bench/lua/<script>.lua`: one wrk thread, because wrk
shares the machine's CPUs with the server. Every script counts non-200 responses; the harness
aborts if any request failed, a socket error occurred or the server logged an error. Latencies
are wrk's per-request percentiles in milliseconds.

The CPU columns give the CPU time used during each run, from /proc, as a percentage of one CPU:
the server process, the PostgreSQL backends serving it (found by `application_name`; with SQLite
the database work is inside the server process), and every other process except wrk. `other CPU`
well above 0% means the machine was not quiet and the row is disturbed. Before each run the
harness waits (up to `--quiet-wait` seconds) for other processes to go idle, and it measures a
disturbed run once more.

Machine:

{machine}

## Results

{sections}
## How to reproduce

```sh
apt-get install -y wrk   # bench/run.py installs it when missing
{document.reproduce}
```

`--database postgresql` uses `GINGHAM_BENCH_POSTGRES_URL` (default
`{document.postgres_url}`) and creates, then drops, a fresh schema in it.
The numbers vary from run to run, the p99 column most.

## Notes

{notes or NOTES_PLACEHOLDER}
"""
