"""The whole headless Link flow, the start-up time and the memory of `gingham serve`, for one or
more source trees side by side (this checkout, and e.g. main checked out elsewhere).

Each round, on each database, gives every tree a fresh database, an API client and its own
`gingham serve`, and the trees take turns: `--starts` times each, the time from exec'ing
`gingham serve` to its first 200 on /_gingham/health; then, with all servers running and warmed
up, `--flows` headless Link flows each, flow by flow — /link/token/create,
/_gingham/link/complete, /item/public_token/exchange, /accounts/get, each request timed — and
each server's RSS after them. Taking turns lets every tree meet the same (loaded) machine; the
report gives, per tree, the median over the rounds of each round's median.

    .venv/bin/python bench/link_flow.py [--database sqlite|postgresql ...]
        [--tree LABEL=PATH ...] [--flows 200] [--rounds 3] [--starts 5]
        [--write-section docs/PERFORMANCE.md]

A tree is a directory holding a `gingham` package (`git worktree add /tmp/gingham-main main`):
the server runs this environment's `gingham` command with PYTHONPATH set to it.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from gingham_server import (
    GINGHAM,
    LINK_TOKEN_BODY,
    Server,
    create_client,
    free_port,
    fresh_database,
    server_env,
    server_log_problems,
)
from webhooks import write_section
from wrk_runner import BenchError

SECTION_TITLE = "## Headless Link flow and start-up"
STEPS = (
    "/link/token/create",
    "/_gingham/link/complete",
    "/item/public_token/exchange",
    "/accounts/get",
)
WARM_UP_FLOWS = 10
START_TIMEOUT_S = 60.0
HEALTH_POLL_S = 0.002


@dataclass
class Measured:
    """One tree on one database, over all rounds."""

    flows_ms: list[float] = field(default_factory=list)  # the median flow of each round
    steps_ms: dict[str, list[float]] = field(default_factory=dict)
    starts_s: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    log_errors: int = 0  # ERROR lines the server logged
    failed_flows: int = 0  # flows a request of which did not answer 200


def tree_env(env: Mapping[str, str], tree: Path) -> dict[str, str]:
    return {**env, "PYTHONPATH": str(tree)}


@contextlib.contextmanager
def serve(env: Mapping[str, str], log_path: Path) -> Iterator[tuple[Server, float]]:
    """`gingham serve` on free ports, and the seconds from its exec to its first 200 on
    /_gingham/health; stopped when the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/_gingham/health"
    with log_path.open("ab") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            # The bank's port too: its default (the next one) may be taken on a busy machine.
            [str(GINGHAM), "serve", "--port", str(port), "--bank-port", str(free_port())],
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(f"http://127.0.0.1:{port}", process.pid), _first_200(url, process, started)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _first_200(url: str, process: subprocess.Popen[bytes], started: float) -> float:
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() - started < START_TIMEOUT_S:
            with contextlib.suppress(httpx.TransportError):
                if client.get(url).status_code == 200:
                    return time.perf_counter() - started
            if process.poll() is not None:
                raise BenchError(f"gingham serve exited with {process.returncode}")
            time.sleep(HEALTH_POLL_S)
    raise BenchError(f"gingham serve did not answer within {START_TIMEOUT_S}s")


def time_to_first_200(env: Mapping[str, str], log_path: Path) -> float:
    """Seconds from exec'ing `gingham serve` to its first 200 on /_gingham/health."""
    with serve(env, log_path) as (_, seconds):
        return seconds


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for process {pid}")


def one_flow(client: httpx.Client) -> dict[str, float]:
    """The four requests of a headless Link flow, each timed, in milliseconds."""
    timings: dict[str, float] = {}

    def post(path: str, body: Mapping[str, object]) -> dict[str, object]:
        started = time.perf_counter()
        response = client.post(path, json=body)
        timings[path] = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code}: {response.text[:300]}")
        result: dict[str, object] = response.json()
        return result

    link_token = post("/link/token/create", LINK_TOKEN_BODY)["link_token"]
    done = post("/_gingham/link/complete", {"link_token": link_token})
    if done.get("status") != "SUCCESS":
        raise BenchError(f"the Link session ended with {done}")
    exchanged = post("/item/public_token/exchange", {"public_token": done["public_token"]})
    post("/accounts/get", {"access_token": exchanged["access_token"]})
    return timings


def measure_round(
    database_name: str,
    trees: list[tuple[str, Path]],
    flows: int,
    starts: int,
    results: dict[str, Measured],
    work: Path,
) -> None:
    """One round on one database: the trees' start-ups in turns, then their flows in turns (one
    server per tree, all running), so that every tree meets the same machine."""
    with contextlib.ExitStack() as stack:
        envs: dict[str, dict[str, str]] = {}
        clients: dict[str, httpx.Client] = {}
        for label, tree in trees:
            database = stack.enter_context(fresh_database(database_name))
            envs[label] = tree_env(server_env(database), tree)
        credentials = {label: create_client(env) for label, env in envs.items()}  # migrates
        # A log per server of this round (each start-up appends to it, then the server).
        stamp = time.monotonic_ns()
        logs = {label: work / f"{database_name}-{i}-{stamp}.log" for i, label in enumerate(envs)}
        for _ in range(starts):
            for label, env in envs.items():
                results[label].starts_s.append(time_to_first_200(env, logs[label]))
        servers = {
            label: stack.enter_context(serve(env, logs[label]))[0] for label, env in envs.items()
        }
        for label, server in servers.items():
            clients[label] = stack.enter_context(
                httpx.Client(
                    base_url=server.base_url, headers=credentials[label].headers(), timeout=30
                )
            )
            for _ in range(WARM_UP_FLOWS):
                one_flow(clients[label])
        runs: dict[str, list[dict[str, float]]] = {label: [] for label in envs}
        for _ in range(flows):
            for label, client in clients.items():
                try:
                    runs[label].append(one_flow(client))
                except BenchError as failed:
                    # Counted and shown, not fatal: see measure_round's note on the server log.
                    results[label].failed_flows += 1
                    print(f"{label}: a flow failed: {failed}", flush=True)
        for label, server in servers.items():
            results[label].rss_mib.append(rss_mib(server.pid))
    for label, log_path in logs.items():
        # Reported, not fatal: on a loaded machine a background writer (the request log, the
        # webhook worker) can time out waiting for SQLite's lock without a request failing.
        problems = server_log_problems(log_path)
        if problems:
            results[label].log_errors += sum("ERROR" in line for line in problems)
            print(f"the server of {label} logged errors:\n" + "\n".join(problems[:6]))
    for label, tree_runs in runs.items():
        measured = results[label]
        measured.flows_ms.append(statistics.median(sum(run.values()) for run in tree_runs))
        for step in STEPS:
            measured.steps_ms.setdefault(step, []).append(
                statistics.median(r[step] for r in tree_runs)
            )


def section(
    results: dict[str, dict[str, Measured]], trees: list[str], argv: list[str], rounds: int
) -> str:
    lines = [
        SECTION_TITLE,
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`bench/link_flow.py {' '.join(argv)}`.",
        "",
        "A headless Link flow is /link/token/create, /_gingham/link/complete (credential bank,",
        "no MFA), /item/public_token/exchange and /accounts/get, one after another over one",
        "keep-alive connection. Each figure is the median over the rounds of each round's",
        f"median ({rounds} rounds). Within a round each tree has its own database and server,",
        "all running, and the trees take turns: flow by flow, start-up by start-up, so that",
        "they meet the same machine. Start-up is exec of",
        "`gingham serve` to the first 200 on /_gingham/health, on a migrated database. RSS is",
        "the server's after the flows.",
        "",
    ]
    for database_name, by_tree in results.items():
        lines += [
            f"### {database_name}",
            "",
            "| tree | flow ms | "
            + " | ".join(f"{s} ms" for s in STEPS)
            + " | start-up s | RSS MiB | failed flows | errors logged |",
            "|---|" + "---:|" * (len(STEPS) + 5),
        ]
        for label in trees:
            m = by_tree[label]
            steps = " | ".join(f"{statistics.median(m.steps_ms[s]):.2f}" for s in STEPS)
            lines.append(
                f"| {label} | {statistics.median(m.flows_ms):.2f} | {steps} | "
                f"{statistics.median(m.starts_s):.2f} | {statistics.median(m.rss_mib):.0f} | "
                f"{m.failed_flows} | {m.log_errors} |"
            )
        if len(trees) == 2:
            before, after = (by_tree[label] for label in trees)
            flow = statistics.median(after.flows_ms) / statistics.median(before.flows_ms)
            complete = statistics.median(
                after.steps_ms["/_gingham/link/complete"]
            ) / statistics.median(before.steps_ms["/_gingham/link/complete"])
            start = statistics.median(after.starts_s) / statistics.median(before.starts_s)
            lines += [
                "",
                f"{trees[1]} / {trees[0]}: flow {flow:.2f}, /_gingham/link/complete "
                f"{complete:.2f}, start-up {start:.2f}.",
            ]
        lines.append("")
    return "\n".join(lines)


def parse_tree(value: str) -> tuple[str, Path]:
    label, _, path = value.partition("=")
    if not path:
        raise argparse.ArgumentTypeError("--tree takes LABEL=PATH")
    if not (Path(path) / "gingham" / "__init__.py").is_file():
        raise argparse.ArgumentTypeError(f"{path} holds no gingham package")
    return label, Path(path).resolve()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--tree", action="append", type=parse_tree)
    parser.add_argument("--flows", type=int, default=200, help="flows per round (200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    parser.add_argument("--starts", type=int, default=5, help="start-ups per round (5)")
    parser.add_argument("--write-section", type=Path, help="replace this section of a file")
    args = parser.parse_args(argv)
    databases = args.database or ["sqlite"]
    trees: list[tuple[str, Path]] = args.tree or [("this tree", Path(__file__).parent.parent)]
    results = {db: {label: Measured() for label, _ in trees} for db in databases}
    try:
        with tempfile.TemporaryDirectory(prefix="gingham-link-flow-") as work:
            for round_number in range(args.rounds):
                for database_name in databases:
                    # Alternate which tree goes first, so neither always meets a warmer machine.
                    order = trees if round_number % 2 == 0 else trees[::-1]
                    by_tree = results[database_name]
                    measure_round(
                        database_name, order, args.flows, args.starts, by_tree, Path(work)
                    )
                    for label, _ in order:
                        measured = by_tree[label]
                        print(
                            f"round {round_number + 1} {database_name} {label}: flow "
                            f"{measured.flows_ms[-1]:.2f} ms, complete "
                            f"{measured.steps_ms['/_gingham/link/complete'][-1]:.2f} ms, start-up "
                            f"{statistics.median(measured.starts_s[-args.starts :]):.2f} s, "
                            f"RSS {measured.rss_mib[-1]:.0f} MiB",
                            flush=True,
                        )
    except BenchError as error:
        print(f"link_flow: {error}", file=sys.stderr)
        return 1
    text = section(results, [label for label, _ in trees], argv, args.rounds)
    print(text)
    if args.write_section:
        shown = [
            a
            for i, a in enumerate(argv)
            if not a.startswith("--write-section") and (i == 0 or argv[i - 1] != "--write-section")
        ]
        write_section(
            args.write_section,
            section(results, [label for label, _ in trees], shown, args.rounds),
            SECTION_TITLE,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
