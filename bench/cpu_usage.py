"""Who used the CPUs during a run: the server, its database backends, wrk, or anything else.

The benchmark shares a small machine with whatever else runs on it; CPU time read from /proc
tells a clean measurement from a disturbed one.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A run during which other processes used more than this share of one CPU is disturbed.
OTHER_CPU_LIMIT_PCT = 10.0

BackendPids = Callable[[], list[int]]


def machine_busy_seconds() -> float:
    """CPU time every process has used since boot (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[1:8])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    """The processes `pid` started: the API processes of `gingham serve --workers N`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def pin_process_tree(pid: int, cpus: set[int]) -> None:
    """Every thread of `pid` and of the processes it started, recursively, to run on `cpus` only;
    threads and processes they start later inherit it."""
    for task in Path(f"/proc/{pid}/task").glob("[0-9]*"):
        with contextlib.suppress(ProcessLookupError):  # a thread that has just ended
            os.sched_setaffinity(int(task.name), cpus)
    for child in child_pids(pid):
        pin_process_tree(child, cpus)


def process_seconds(pid: int) -> float:
    """CPU time (user + system) of one process; 0 when it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):  # gone before or while it was read
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def finished_children_seconds() -> float:
    """CPU time of this process's reaped children (wrk, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True, slots=True)
class CpuSample:
    """Cumulative CPU seconds at one moment."""

    machine: float
    server: float
    backends: dict[int, float]  # database server processes serving the Gingham server, by pid
    children: float

    @classmethod
    def take(cls, server_pid: int, backend_pids: BackendPids) -> CpuSample:
        return cls(
            machine=machine_busy_seconds(),
            server=process_seconds(server_pid)
            + sum(process_seconds(child) for child in child_pids(server_pid)),
            backends={pid: process_seconds(pid) for pid in backend_pids()},
            children=finished_children_seconds(),
        )


@dataclass(frozen=True, slots=True)
class CpuUse:
    """CPU seconds used between two samples."""

    server: float
    database: float
    wrk: float
    others: float

    @classmethod
    def between(cls, before: CpuSample, after: CpuSample) -> CpuUse:
        server = after.server - before.server
        database = sum(
            seconds - before.backends.get(pid, 0.0) for pid, seconds in after.backends.items()
        )
        wrk = after.children - before.children
        machine = after.machine - before.machine
        return cls(server, database, wrk, max(0.0, machine - server - database - wrk))


def wait_for_quiet_machine(server_pid: int, backend_pids: BackendPids, timeout_s: int) -> None:
    """Wait (at most timeout_s) until other processes have stayed under the limit for 2 s."""
    deadline = time.monotonic() + timeout_s
    quiet_seconds = 0
    announced = False
    while quiet_seconds < 2 and time.monotonic() < deadline:
        before = CpuSample.take(server_pid, backend_pids)
        time.sleep(1.0)
        others = CpuUse.between(before, CpuSample.take(server_pid, backend_pids)).others
        quiet_seconds = quiet_seconds + 1 if 100 * others < OTHER_CPU_LIMIT_PCT else 0
        if quiet_seconds == 0 and not announced:
            print("  waiting for other processes to go idle", file=sys.stderr, flush=True)
            announced = True
    if quiet_seconds < 2 and timeout_s > 0:
        print(f"  the machine stayed busy for {timeout_s}s; measuring anyway", file=sys.stderr)
