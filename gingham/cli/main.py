"""The command line: its parser, and which module runs each command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from gingham import __version__
from gingham.bank_simulation import cli as bank_cli
from gingham.cli import clients, clock, serving, tail
from gingham.cli.database import prepare_database
from gingham.config import Settings
from gingham.webhooks import waiting


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gingham", description="Self-hosted, Plaid-compatible Link and Item server."
    )
    parser.add_argument("--version", action="version", version=f"gingham {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve_parser = commands.add_parser("serve", help="apply migrations, then serve the API")
    serve_parser.add_argument(
        "--host", help="address to listen on (default 127.0.0.1, or GINGHAM_HOST)"
    )
    serve_parser.add_argument(
        "--port", type=int, help="port to listen on (default 8765, or GINGHAM_PORT)"
    )
    serve_parser.add_argument(
        "--bank-port",
        type=int,
        help="port of the sandbox OAuth bank (default the API's port + 1, or GINGHAM_BANK_PORT)",
    )
    serve_parser.add_argument(
        "--quiet", action="store_true", help="no line per request (or GINGHAM_ACCESS_LOG=0)"
    )
    serve_parser.add_argument(
        "--log-level",
        choices=serving.LOG_LEVELS,
        help="how much to log (default info, or GINGHAM_LOG_LEVEL); debug adds migrations and "
        "the servers' own start-up lines",
    )
    serve_parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not deliver webhooks from this process (run `gingham worker`; or GINGHAM_WORKER=0)",
    )
    serve_parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="answer the API from N processes sharing the port (default 1, or GINGHAM_WORKERS); "
        "more than one needs PostgreSQL",
    )

    commands.add_parser(
        "worker",
        help="deliver webhooks only (any number of workers may share a PostgreSQL database)",
    )

    commands.add_parser("migrate", help="apply database migrations and exit")

    client_parser = commands.add_parser("client", help="manage API clients")
    client_commands = client_parser.add_subparsers(dest="client_command", required=True)
    create_parser = client_commands.add_parser(
        "create", help="provision an API client and print its credentials"
    )
    create_parser.add_argument(
        "--name", required=True, help="a name for the client, e.g. your app's"
    )
    create_parser.add_argument("--json", action="store_true", help="print the credentials as JSON")
    for name, allow_list in clients.ALLOW_LISTS.items():
        list_parser = client_commands.add_parser(
            name, help=f"manage a client's allowed {allow_list.entries} (sandbox)"
        )
        actions = list_parser.add_subparsers(dest="allow_list_action", required=True)
        for action, help_text in (
            ("add", f"allow one of the {allow_list.entries}"),
            ("remove", f"remove one of the {allow_list.entries}"),
            ("list", f"print the allowed {allow_list.entries}, one a line"),
        ):
            action_parser = actions.add_parser(action, help=help_text)
            action_parser.add_argument("--client-id", required=True, help="the client's client_id")
            if action != "list":
                action_parser.add_argument("value", metavar=allow_list.argument)

    bank_cli.add_parser(commands)
    tail.add_parsers(commands)

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
        clock_command.add_argument("--client-id", required=True, help="the client's client_id")
        clock_command.add_argument("--json", action="store_true", help="print JSON")
    target = advance_parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--by", help="an ISO 8601 duration: P7D, PT36H, P1DT2H, P1M")
    target.add_argument("--to", help="a later date-time, e.g. 2027-01-01T00:00:00Z")
    advance_parser.add_argument(
        "--wait",
        action="store_true",
        help="return once the webhooks due after the advance have been sent (waits at most "
        f"{waiting.WAIT_FOR_WEBHOOKS_SECONDS:.0f} s; a running server or `gingham worker` sends "
        "them)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        run(args)
    except OperationalError as error:
        # The database is down, unreachable or refuses us: one line, not a driver traceback.
        where = Settings.from_env().database_url.split("@")[-1]
        reason = " ".join(line.strip() for line in str(error.orig or error).splitlines())
        print(f"gingham: cannot use the database at {where}: {reason}", file=sys.stderr)
        sys.exit(1)


def run(args: argparse.Namespace) -> None:
    if args.command == "serve":
        status = serving.serve(
            Settings.from_env(
                host=args.host,
                port=args.port,
                bank_port=args.bank_port,
                log_level=args.log_level,
                access_log=False if args.quiet else None,
                webhook_worker=False if args.no_worker else None,
                processes=max(args.workers, 1) if args.workers is not None else None,
            )
        )
        if status:
            sys.exit(status)
    elif args.command == "worker":
        serving.run_worker(Settings.from_env())
    elif args.command == "migrate":
        prepare_database(Settings.from_env())
    elif args.command == "client" and args.client_command == "create":
        clients.client_create(Settings.from_env(), args.name, as_json=args.json)
    elif args.command == "clock":
        status = clock.manage_clock(
            Settings.from_env(),
            args.clock_command,
            args.client_id,
            by=getattr(args, "by", None),
            to=getattr(args, "to", None),
            as_json=args.json,
            wait=getattr(args, "wait", False),
        )
        if status:
            sys.exit(status)
    elif args.command in ("logs", "webhooks"):
        sys.exit(tail.run(args))
    elif args.command == "bank":
        prepare_database(Settings.from_env())
        status = bank_cli.run(Settings.from_env(), args)
        if status:
            sys.exit(status)
    elif args.command == "client":
        status = clients.manage_allow_list(
            Settings.from_env(),
            clients.ALLOW_LISTS[args.client_command],
            args.allow_list_action,
            args.client_id,
            getattr(args, "value", None),
        )
        if status:
            sys.exit(status)
