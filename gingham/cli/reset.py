"""`gingham reset`: wipe one client's data on the running server, or every client's with --all,
after confirmation (a terminal's, or --yes)."""

from __future__ import annotations

import argparse
from typing import Any

from gingham.cli.remote import (
    add_credentials,
    admin_headers,
    call,
    confirm,
    credentials,
    server_url,
)


def add_parser(commands: Any) -> None:
    reset = commands.add_parser(
        "reset",
        help="wipe the client's data (Items, users, webhooks, request log, sandbox clock), "
        "keeping the client and its keys; --all: every client's, and restore the sandbox banks",
    )
    reset.add_argument(
        "--all", action="store_true", help="every client's data (needs no client credentials)"
    )
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_credentials(reset)


def run(args: argparse.Namespace) -> None:
    if args.all:
        confirm(
            f"Wipe the data of EVERY API client on {server_url()} and restore the sandbox "
            "banks? The clients and their keys stay.",
            yes=args.yes,
        )
        wiped = call("/_gingham/admin/reset", {"confirm": True}, admin_headers())
        print(
            f"Wiped the data of {wiped['clients']} client(s) ({wiped['items']} live Item(s)) and "
            "restored the sandbox banks; the clients and their keys stay."
        )
        return
    headers = credentials(args)
    client_id = headers["PLAID-CLIENT-ID"]
    confirm(
        f"Wipe the Items, users, webhooks, request log and sandbox clock of client {client_id} "
        f"on {server_url()}? The client and its keys stay.",
        yes=args.yes,
    )
    wiped = call("/_gingham/client/reset", {"confirm": True}, headers)
    print(
        f"Wiped the data of client {client_id} ({wiped['items']} live Item(s)); "
        "the client and its keys stay."
    )
