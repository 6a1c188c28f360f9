"""`gingham serve --workers N`: the API served by N processes that share one listening socket.

This process binds the ports, migrates, prints the banner, then only supervises: it starts N
API processes and waits. Each API process runs the whole application as a single-process
`gingham serve` does, webhook worker and timer loop included: workers share the outbox through
leases (FOR UPDATE SKIP LOCKED on PostgreSQL), timer loops skip a client another loop is firing,
so nothing is sent or fired twice, and each process's worker is woken by its own commits. The
first API process also serves the sandbox OAuth bank, which needs no more than one.

The kernel hands each new connection on the shared socket to whichever process accepts it first.
SIGINT or SIGTERM stops them all: this process sends SIGTERM to every API process, and each
finishes its open requests and its lifespan. The API processes leave SIGINT (a terminal's Ctrl-C
reaches the whole process group) to this one, so that each gets one signal, not two.
When an API process ends by itself, the others are stopped too and the exit status is 1: a
half-served port is worse than a stopped one.

Processes are started with multiprocessing's spawn (a fresh interpreter, no copied threads or
connections); the sockets travel to them by file descriptor passing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import sys
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

from gingham.config import Settings

# SQLite takes one writer at a time, and Gingham begins every transaction with BEGIN IMMEDIATE
# (gingham/db.py): a second process would only queue on the file lock, through SQLite's busy
# handler, which sleeps in steps of up to 100 ms, rather than on an event loop.
SQLITE_REFUSAL = (
    "gingham: --workers (GINGHAM_WORKERS) above 1 needs PostgreSQL (GINGHAM_DATABASE_URL): "
    "SQLite serialises every transaction on its file lock, so more processes would only wait "
    "on each other"
)
# How long the API processes get to finish their requests and lifespans after SIGTERM.
STOP_TIMEOUT_SECONDS = 30.0


# What an API process runs: (settings, the API's socket, the bank's or None). A module-level
# function, so that a spawned interpreter can import it.
ApiProcess = Callable[[Settings, socket.socket, socket.socket | None], None]


def supervise(
    settings: Settings,
    api_process: ApiProcess,
    api_socket: socket.socket,
    bank_socket: socket.socket,
) -> int:
    """Run settings.processes API processes until SIGINT or SIGTERM; the exit status."""
    spawn = multiprocessing.get_context("spawn")
    children: list[BaseProcess] = [
        spawn.Process(
            target=api_process,
            args=(settings, api_socket, bank_socket if number == 0 else None),
            name=f"gingham-api-{number + 1}",
        )
        for number in range(settings.processes)
    ]
    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.pid is not None and child.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGTERM)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        for child in children:
            if not stopping:
                child.start()
        running = [child for child in children if child.pid is not None]
        while running:
            ended = wait([child.sentinel for child in running])
            for child in [child for child in running if child.sentinel in ended]:
                child.join()
                running.remove(child)
                if not stopping:
                    print(
                        f"gingham: API process {child.pid} ended (exit status {child.exitcode}); "
                        "stopping the others",
                        file=sys.stderr,
                        flush=True,
                    )
                    status = 1
                    stop()
    except BaseException:
        stop()
        raise
    finally:
        for child in children:
            if child.pid is not None:
                child.join(STOP_TIMEOUT_SECONDS)
                if child.exitcode is None:
                    child.kill()
                    child.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        api_socket.close()
        bank_socket.close()
    return status
