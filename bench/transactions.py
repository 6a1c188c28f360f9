"""Preparing the transactions benchmarks: the Items' pulls run (by advancing the client's sandbox
clock past them), then each Item's whole history is paged through once with /transactions/sync
to record the cursors the benchmark then replays."""

from __future__ import annotations

from pathlib import Path

import httpx
from gingham_server import Credentials, Server
from wrk_runner import BenchError

# The server's delay before an Item's initial pull (GINGHAM_TRANSACTIONS_PULL_SECONDS): an hour,
# so that the Items the link benchmark makes never pull during the runs; the prepared Items' pulls
# are brought forward by advancing the clock past them.
PULL_SECONDS = "3600"
ADVANCE_PAST_PULLS = "PT2H"
SYNC_COUNTS = (500, 100)


def _post(client: httpx.Client, path: str, body: dict[str, object]) -> dict[str, object]:
    response = client.post(path, json=body)
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}: {response.text[:500]}")
    result: dict[str, object] = response.json()
    return result


def prepare_sync_pages(
    server: Server, credentials: Credentials, tokens: list[str], work: Path
) -> dict[int, Path]:
    """Pull the Items' transactions; for each page size, a file of "<token> <cursor>" lines, one
    per page of a complete pagination of each Item's history."""
    files: dict[int, Path] = {}
    with httpx.Client(
        base_url=server.base_url, headers=credentials.headers(), timeout=600
    ) as client:
        _post(client, "/_gingham/clock/advance", {"by": ADVANCE_PAST_PULLS})
        for count in SYNC_COUNTS:
            lines = []
            for token in tokens:
                cursor = ""
                while True:
                    page = _post(
                        client,
                        "/transactions/sync",
                        {"access_token": token, "cursor": cursor, "count": count},
                    )
                    if page["transactions_update_status"] != "HISTORICAL_UPDATE_COMPLETE":
                        raise BenchError(f"an Item's pulls did not run: {page}")
                    lines.append(f"{token} {cursor or '-'}")
                    cursor = str(page["next_cursor"])
                    if not page["has_more"]:
                        break
            path = work / f"sync_pages_{count}.txt"
            path.write_text("\n".join(lines) + "\n")
            files[count] = path
    return files
