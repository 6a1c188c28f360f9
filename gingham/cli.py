"""The `gingham` command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from gingham import __version__
from gingham.clients import service as clients_service
from gingham.clients.service import IssuedCredentials
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.db import make_engine, make_session_factory, migrate

DEFAULT_CLIENT_NAME = "Gingham sandbox"


def _prepare_database(settings: Settings) -> None:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _create_client(
    settings: Settings, name: str, *, only_if_none: bool
) -> IssuedCredentials | None:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            if only_if_none and clients_service.has_any_client(session):
                return None
            return clients_service.create_client(session, name, SystemClock().now())
    finally:
        engine.dispose()


def _banner(settings: Settings, created: IssuedCredentials | None) -> str:
    url = settings.base_url
    lines = [
        f"Gingham {__version__}: Plaid-compatible API at {url}",
        f"  database: {settings.database_url.split('@')[-1]}",
        f"  open {url}/ to try Link in the demo app",
    ]
    if created is not None:
        lines += [
            "",
            f"Created a sandbox API client ({created.name}). The secret is shown only now:",
            f"  PLAID_CLIENT_ID={created.client_id}",
            f"  PLAID_SECRET={created.secret}",
            "",
            "Point plaid-python here:",
            "  import plaid; from plaid.api import plaid_api",
            f'  configuration = plaid.Configuration(host="{url}", api_key={{"clientId": "{created.client_id}", "secret": "{created.secret}"}})',
            "  client = plaid_api.PlaidApi(plaid.ApiClient(configuration))",
        ]
    else:
        lines += [
            "",
            "Using the existing database and its API clients; their secrets were shown when they were",
            "created. Make another with: gingham client create --name NAME",
        ]
    return "\n".join(lines)


def serve(settings: Settings, *, access_log: bool) -> None:
    import uvicorn

    from gingham.app import create_app

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s"
    )
    _prepare_database(settings)
    created = _create_client(settings, DEFAULT_CLIENT_NAME, only_if_none=True)
    print(_banner(settings, created), flush=True)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=access_log,
        server_header=False,
    )
    uvicorn.Server(config).run()


def client_create(settings: Settings, name: str, *, as_json: bool) -> None:
    _prepare_database(settings)
    created = _create_client(settings, name, only_if_none=False)
    assert created is not None
    if as_json:
        print(
            json.dumps(
                {
                    "client_id": created.client_id,
                    "secret": created.secret,
                    "name": created.name,
                    "environment": created.environment,
                }
            )
        )
    else:
        print(f"Created API client {created.name!r} ({created.environment}).")
        print(f"  client_id: {created.client_id}")
        print(f"  secret:    {created.secret}   (shown once; only its hash is stored)")


def _parser() -> argparse.ArgumentParser:
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
    serve_parser.add_argument("--access-log", action="store_true", help="log every request")

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
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        serve(Settings.from_env(host=args.host, port=args.port), access_log=args.access_log)
    elif args.command == "migrate":
        _prepare_database(Settings.from_env())
    elif args.command == "client":
        client_create(Settings.from_env(), args.name, as_json=args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
