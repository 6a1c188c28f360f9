"""`gingham clock show|advance`: a client's sandbox clock from the terminal, through the running
server's /_gingham/clock/* endpoints."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from gingham.cli.remote import add_credentials, call, credentials
from gingham.webhooks import waiting


def add_parser(commands: Any) -> None:
    clock_parser = commands.add_parser(
        "clock", help="show or advance a client's sandbox clock (forward only)"
    )
    clock_commands = clock_parser.add_subparsers(dest="clock_command", required=True)
    show_parser = clock_commands.add_parser(
        "show", help="print the client's time and its pending timers"
    )
    advance_parser = clock_commands.add_parser(
        "advance", help="move the client's time forward, firing the timers due on the way"
    )
    for clock_command in (show_parser, advance_parser):
        add_credentials(clock_command)
        clock_command.add_argument("--json", action="store_true", help="print JSON")
    target = advance_parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--by", help="an ISO 8601 duration: P7D, PT36H, P1DT2H, P1M")
    target.add_argument("--to", help="a later date-time, e.g. 2027-01-01T00:00:00Z")
    advance_parser.add_argument(
        "--wait",
        action="store_true",
        help="return once the webhooks due after the advance have been sent (waits at most "
        f"{waiting.WAIT_FOR_WEBHOOKS_SECONDS:.0f} s)",
    )


def run(args: argparse.Namespace) -> None:
    headers = credentials(args)
    client_id = headers["PLAID-CLIENT-ID"]
    if args.clock_command == "show":
        clock = call("/_gingham/clock/get", {}, headers)
        if args.json:
            print(json.dumps(clock))
            return
        timers = call("/_gingham/clock/timers", {}, headers)["timers"]
        print(f"Sandbox clock of client {client_id}: {clock['now']}")
        print(f"  {_ahead(clock['offset_seconds'])}; real time {clock['real_now']}")
        print(f"  {len(timers)} pending timer(s)" + (":" if timers else ""))
        for timer in timers:
            print(f"    {timer['due_at']}  {timer['kind']}  {timer['subject_id'] or '-'}")
        return
    body: dict[str, Any] = {"by": args.by} if args.by is not None else {"to": args.to}
    if args.wait:
        body["wait_for_webhooks"] = True
    advance = call("/_gingham/clock/advance", body, headers)
    if args.json:
        print(json.dumps(advance))
        return
    print(
        f"Advanced the sandbox clock of client {client_id} to {advance['now']} "
        f"({_ahead(advance['offset_seconds'])})."
    )
    fired = advance["fired"]
    print(f"Fired {len(fired)} timer(s)" + (":" if fired else "."))
    for timer in fired:
        print(f"  {timer['due_at']}  {timer['kind']}  {timer['subject_id'] or '-'}")
    if (webhooks := advance.get("webhooks")) is not None:
        print(
            f"Webhooks: {webhooks['delivered']} delivered, {webhooks['failed']} failed, "
            f"{webhooks['pending']} still pending."
        )
        if webhooks["pending"]:
            print(
                "  Webhooks are sent by `gingham serve` (unless GINGHAM_WORKER=0) or by "
                "`gingham worker`: is one running on the server's database?"
            )


def _ahead(offset_seconds: float) -> str:
    if not offset_seconds:
        return "on real time"
    return f"{timedelta(seconds=round(offset_seconds))} ahead of real time"
