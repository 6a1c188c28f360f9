"""`gingham logs tail` against `gingham serve --workers 2`: the stream reads the log from the
database, so the requests every API process answers reach it, not only those of the process
that serves the stream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import LiveGingham, answering_pids, live_gingham_on
from tests.request_log.test_tail_live import LINK_TOKEN, call, tailing

REQUESTS = 16


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    with live_gingham_on("postgresql", tmp_path_factory, client_name="tail", processes=2) as server:
        yield server


def test_requests_answered_by_either_process_are_tailed(two_processes: LiveGingham) -> None:
    # Each call opens a connection of its own, and the kernel hands new connections to both
    # processes: the health check answers with the pid of the process that served it.
    assert len(answering_pids(two_processes.base_url, 2)) == 2
    with tailing(two_processes, "logs", "tail") as (out, _err):
        request_ids = [
            call(two_processes, "/link/token/create", LINK_TOKEN).json()["request_id"]
            for _ in range(REQUESTS)
        ]
        # Each process writes its own batches, so lines need not arrive in the calls' order.
        for request_id in request_ids:
            if not any(request_id in line for line in out.seen):
                out.wait_for(request_id)
