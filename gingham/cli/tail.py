"""`gingham logs tail` and `gingham webhooks tail`: a running server's request log and webhook
inbox, live, over HTTP (like `stripe logs tail`).

They follow the server's server-sent event streams with the client's API credentials:
GINGHAM_URL (default the local server) and PLAID_CLIENT_ID / PLAID_SECRET, or --client-id and
--secret. Every failure is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TextIO

import httpx

from gingham.cli import remote

Line = Callable[[dict[str, Any]], str]


def add_parsers(commands: Any) -> None:
    logs = commands.add_parser("logs", help="the running server's API request log")
    logs_commands = logs.add_subparsers(dest="logs_command", required=True)
    logs_tail = logs_commands.add_parser(
        "tail", help="print each API request as the server answers it, until ^C"
    )
    logs_tail.add_argument("--endpoint", help="only this endpoint, e.g. /link/token/create")
    logs_tail.add_argument("--status", type=int, help="only this HTTP status, e.g. 400")

    webhooks = commands.add_parser("webhooks", help="the running server's webhook inbox")
    webhooks_commands = webhooks.add_subparsers(dest="webhooks_command", required=True)
    webhooks_tail = webhooks_commands.add_parser(
        "tail",
        help="print each webhook the inbox receives, until ^C (its URL comes first; set it as "
        "your link token's webhook)",
    )
    for tail in (logs_tail, webhooks_tail):
        tail.add_argument("--json", action="store_true", help="print each as a line of JSON")
        remote.add_credentials(tail)


def run(args: argparse.Namespace) -> int:
    """The exit status of `gingham logs tail` or `gingham webhooks tail`."""
    base_url = remote.server_url()
    try:
        headers = remote.credentials(args)
        if args.command == "logs":
            params = {
                name: str(value)
                for name, value in (("endpoint", args.endpoint), ("status", args.status))
                if value is not None
            }
            follow(base_url, "/_gingham/requests/stream", headers, params, "requests", args.json)
        else:
            inbox = remote.call("/_gingham/webhook_inbox/get", {}, headers)["url"]
            print(f"Webhook inbox: {inbox}", file=sys.stderr)
            follow(base_url, "/_gingham/webhook_inbox/stream", headers, {}, "webhooks", args.json)
    except remote.CommandFailed as failure:
        print(f"gingham: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def follow(
    base_url: str,
    path: str,
    headers: dict[str, str],
    params: dict[str, str],
    what: str,
    as_json: bool,
    out: TextIO | None = None,
) -> None:
    """Print the stream's events as they come, until the server ends it."""
    out = out or sys.stdout
    line = request_line if what == "requests" else webhook_line
    timeout = httpx.Timeout(remote.CONNECT_TIMEOUT_SECONDS, read=None)
    with (
        remote.talking_to(base_url),
        httpx.Client(timeout=timeout) as http,
        http.stream("GET", base_url + path, headers=headers, params=params) as response,
    ):
        if response.status_code != 200:
            response.read()
            raise remote.CommandFailed(remote.refusal(base_url, response))
        for event, data in server_sent_events(response.iter_lines()):
            if event == "ready":
                print(f"Ready! Tailing {what} on {base_url} (^C to quit)", file=sys.stderr)
            elif event in ("request", "webhook"):
                print(json.dumps(data) if as_json else line(data), file=out, flush=True)
    raise remote.CommandFailed(f"the server at {base_url} closed the stream")


def server_sent_events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event, parsed data) for each event in a text/event-stream; comments are skipped."""
    event, data = "message", ""
    for line in lines:
        if not line:
            if data:
                yield event, json.loads(data)
            event, data = "message", ""
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


def _clock(timestamp: str) -> str:
    return (
        datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone().strftime("%H:%M:%S")
    )


def request_line(request: dict[str, Any]) -> str:
    """`14:05:09  POST /link/token/create  200  12.3 ms  <request_id>` (and the error code)."""
    line = (
        f"{_clock(request['created_at'])}  {request['method']} {request['endpoint']}  "
        f"{request['status']}  {request['latency_ms']:.1f} ms  {request['request_id']}"
    )
    return f"{line}  {request['error_code']}" if request.get("error_code") else line


def webhook_line(webhook: dict[str, Any]) -> str:
    """`14:05:09  TRANSACTIONS SYNC_UPDATES_AVAILABLE  item <item_id>  verified`."""
    kind = f"{webhook.get('webhook_type') or '?'} {webhook.get('webhook_code') or '?'}"
    item = f"  item {webhook['item_id']}" if webhook.get("item_id") else ""
    verdict = (
        "verified" if webhook["verified"] else f"NOT VERIFIED: {webhook.get('verification_error')}"
    )
    return f"{_clock(webhook['received_at'])}  {kind}{item}  {verdict}"
