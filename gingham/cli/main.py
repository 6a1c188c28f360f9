"""The command line: its parser, and which module runs each command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from gingham import __version__
from gingham.bank_simulation import cli as bank_cli
from gingham.cli import clients, clock, items, remote, reset, serving, tail
from gingham.cli.database import prepare_database
from gingham.config import Settings


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gingham",
        description="Self-hosted, Plaid-compatible Link and Item server. `serve`, `worker` and "
        "`migrate` use the database (GINGHAM_DATABASE_URL); every other command reaches the "
        "running server at GINGHAM_URL (default http://127.0.0.1:8765), with a client's "
        "credentials (PLAID_CLIENT_ID / PLAID_SECRET, or --client-id / --secret) or, for "
        "`client create|list`, `reset --all` and `bank reset`, from this machine or with "
        "GINGHAM_ADMIN_TOKEN.",
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
    clients.add_parsers(client_parser.add_subparsers(dest="client_command", required=True))

    bank_cli.add_parser(commands)
    tail.add_parsers(commands)

    clock.add_parser(commands)
    items.add_parsers(commands)
    reset.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        run(args)
    except remote.CommandFailed as failure:
        print(f"gingham: {failure}", file=sys.stderr)
        sys.exit(1)
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
    # The commands below reach the running server over HTTP (gingham.cli.remote).
    elif args.command == "client":
        clients.run(args)
    elif args.command == "clock":
        clock.run(args)
    elif args.command in ("logs", "webhooks"):
        sys.exit(tail.run(args))
    elif args.command == "bank":
        bank_cli.run(args)
    elif args.command == "items":
        items.run(args)
    elif args.command == "reset":
        reset.run(args)
