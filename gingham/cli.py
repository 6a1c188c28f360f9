"""The `gingham` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from gingham import __version__, errors
from gingham.bank_simulation import cli as bank_cli
from gingham.clients import allow_lists
from gingham.clients import service as clients_service
from gingham.clients.allow_lists import AllowList
from gingham.clients.android_packages import ANDROID_PACKAGES
from gingham.clients.redirect_uris import REDIRECT_URIS
from gingham.clients.service import IssuedCredentials
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.db import create_private_sqlite_file, make_engine, make_session_factory, migrate
from gingham.sandbox_clock import api as clock_api
from gingham.sandbox_clock import service as clock_service
from gingham.sandbox_clock.durations import DurationError, parse_duration
from gingham.webhooks import outbox as webhooks_outbox
from gingham.webhooks import waiting
from gingham.wire.json import format_datetime, parse_datetime

DEFAULT_CLIENT_NAME = "Gingham sandbox"


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s"
    )
    # One line per outbound request (every webhook sent) drowns the rest; failed deliveries are
    # logged by gingham.webhooks, and the delivery log has every attempt.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))


def _prepare_database(settings: Settings) -> None:
    if settings.is_sqlite:
        create_private_sqlite_file(settings.database_url)
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
        f"  sandbox OAuth bank: {settings.bank_url}",
        (
            f"  webhooks: delivered by this process ({settings.webhook_retry} retries)"
            if settings.webhook_worker
            else "  webhooks: queued for `gingham worker` processes (GINGHAM_WORKER=0)"
        ),
        (
            f"  open {url}/ to try Link in the demo app"
            if settings.demo_enabled
            else "  demo app: off (GINGHAM_DEMO=1 switches it on)"
        ),
    ]
    if created is not None:
        lines += [
            "",
            f"Created a sandbox API client ({created.name}). The secret is shown only now:",
            f"  PLAID_CLIENT_ID={created.client_id}",
            f"  PLAID_SECRET={created.secret}",
            # Legacy integrations (Plaid.create({key}), /institutions/* with public_key) use this.
            f"  PLAID_PUBLIC_KEY={created.public_key}",
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
            "A client's legacy public key (PLAID_PUBLIC_KEY): POST /_gingham/client/public_key/get",
        ]
    return "\n".join(lines)


def serve(settings: Settings, *, access_log: bool) -> None:
    import uvicorn

    from gingham.app import create_app
    from gingham.oauth_bank.server import create_bank_app

    _configure_logging(settings)
    _prepare_database(settings)
    created = _create_client(settings, DEFAULT_CLIENT_NAME, only_if_none=True)
    print(_banner(settings, created), flush=True)

    def server(app: object, port: int) -> uvicorn.Server:
        return uvicorn.Server(
            uvicorn.Config(
                app,  # type: ignore[arg-type]
                host=settings.host,
                port=port,
                log_level=settings.log_level,
                access_log=access_log,
                server_header=False,
            )
        )

    engine = make_engine(settings.database_url)
    clock = SystemClock()
    bank = server(
        create_bank_app(
            session_factory=make_session_factory(engine),
            clock=clock,
            secrets=SecretBox(load_or_create_key(settings.secret_key, settings.data_dir)),
            public_url=settings.bank_url,
            max_body_bytes=settings.max_body_bytes,
            body_timeout_seconds=settings.body_timeout_seconds,
        ),
        settings.bank_listen_port,
    )
    gingham = server(create_app(settings, clock=clock), settings.port)

    async def serve_both() -> None:
        # The bank is a separate origin, as a real bank is: its own server on its own port, in
        # this process. Stopping Gingham (Ctrl-C, SIGTERM) stops the bank with it.
        bank_task = asyncio.create_task(bank.serve())
        try:
            await gingham.serve()
        finally:
            bank.should_exit = True
            await bank_task

    asyncio.run(serve_both())


def run_worker(settings: Settings) -> None:
    """Deliver webhooks and fire the sandbox timers that real time brings due, until SIGINT or
    SIGTERM."""
    import signal

    import httpx

    from gingham.app import TIMER_HANDLERS
    from gingham.sandbox_clock.timer_loop import TimerLoop
    from gingham.webhooks.outbox import call_after_enqueueing_commits
    from gingham.webhooks.worker import delivery_worker

    _configure_logging(settings)
    _prepare_database(settings)
    engine = make_engine(settings.database_url)
    secrets = SecretBox(load_or_create_key(settings.secret_key, settings.data_dir))

    async def deliver() -> None:
        async with httpx.AsyncClient() as http:
            session_factory = make_session_factory(engine)
            clock = SystemClock()
            worker = delivery_worker(
                settings, session_factory, secrets=secrets, clock=clock, http=http
            )
            # Webhooks that timers enqueue are sent as soon as the timers' transaction commits.
            call_after_enqueueing_commits(session_factory, worker.wake)
            timer_loop = TimerLoop(
                session_factory=session_factory, clock=clock, handlers=TIMER_HANDLERS
            )

            def stop() -> None:
                timer_loop.stop()
                worker.stop()

            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop)
            print(
                f"Gingham webhook worker {worker.worker_id}: {settings.database_url.split('@')[-1]}"
                f" ({settings.webhook_retry} retries; firing sandbox timers as they come due)",
                flush=True,
            )
            firing = asyncio.create_task(timer_loop.run())
            try:
                await worker.run()
            finally:
                timer_loop.stop()
                await firing

    try:
        asyncio.run(deliver())
    finally:
        engine.dispose()


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
                    "public_key": created.public_key,
                    "name": created.name,
                    "environment": created.environment,
                }
            )
        )
    else:
        print(f"Created API client {created.name!r} ({created.environment}).")
        print(f"  client_id: {created.client_id}")
        print(f"  secret:    {created.secret}   (shown once; only its hash is stored)")
        print(
            f"  public_key: {created.public_key}   (legacy; POST /_gingham/client/public_key/get)"
        )


ALLOW_LISTS: dict[str, AllowList] = {
    "redirect-uri": REDIRECT_URIS,
    "android-package": ANDROID_PACKAGES,
}
# The only environment with API clients for now; the lists are kept per environment already.
ALLOW_LIST_ENVIRONMENT = "sandbox"


def manage_allow_list(
    settings: Settings, allow_list: AllowList, action: str, client_id: str, value: str | None
) -> int:
    """Run one `gingham client redirect-uri|android-package` action; the exit status."""
    _prepare_database(settings)
    environment = ALLOW_LIST_ENVIRONMENT
    where = f"the {environment} {allow_list.entries} of client {client_id}"
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            if not clients_service.client_exists(session, client_id):
                print(
                    f"gingham: no API client has client_id {client_id!r}; "
                    "create one with `gingham client create --name NAME`",
                    file=sys.stderr,
                )
                return 2
            if action == "list":
                entries = allow_lists.list_entries(session, allow_list, client_id, environment)
                for entry in entries:
                    print(entry)
                if not entries:
                    print(
                        f"No {allow_list.entries} are allowed for client {client_id} ({environment}).",
                        file=sys.stderr,
                    )
                return 0
            assert value is not None
            if action == "add":
                entry, changed = allow_lists.add(
                    session, allow_list, client_id, environment, value, SystemClock().now()
                )
                print(
                    f"Added {entry} to {where}."
                    if changed
                    else f"{entry} is already on {where}; nothing changed."
                )
            else:
                entry, changed = allow_lists.remove(
                    session, allow_list, client_id, environment, value
                )
                print(
                    f"Removed {entry} from {where}."
                    if changed
                    else f"{entry} is not on {where}; nothing removed."
                )
            return 0
    except errors.PlaidError as error:
        print(f"gingham: {error.error_message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def manage_clock(
    settings: Settings,
    action: str,
    client_id: str,
    *,
    by: str | None,
    to: str | None,
    as_json: bool,
    wait: bool = False,
) -> int:
    """Run `gingham clock show|advance`; the exit status. A running server sees an advance made
    here within a second (sandbox_clock.service.OFFSET_REFRESH_SECONDS). With `wait`, the advance
    is printed once the webhooks due when it committed have been sent by the workers (a server's
    own, or `gingham worker`), or WAIT_FOR_WEBHOOKS_SECONDS have passed."""
    from gingham.app import TIMER_HANDLERS

    try:
        duration = parse_duration(by) if by is not None else None
    except DurationError as problem:
        print(f"gingham: --by {by!r}: {problem} (e.g. P7D, PT36H, P1DT2H)", file=sys.stderr)
        return 2
    try:
        moment = parse_datetime(to) if to is not None else None
    except ValueError:
        print(f"gingham: --to {to!r} is not a date-time like 2027-01-01T00:00:00Z", file=sys.stderr)
        return 2
    _prepare_database(settings)
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    try:
        with session_factory() as session, session.begin():
            if not clients_service.client_exists(session, client_id):
                print(f"gingham: no API client has client_id {client_id!r}", file=sys.stderr)
                return 2
            real_now = SystemClock().now()
            if action == "show":
                _print_clock(session, client_id, real_now, as_json=as_json)
                return 0
            advance = clock_service.advance_clock(
                session,
                client_id,
                by=duration,
                to=moment,
                real_now=real_now,
                handlers=TIMER_HANDLERS,
            )
            # Read in the advance's transaction, as the HTTP endpoint does: no worker can have
            # sent one of these before it commits.
            due = (
                webhooks_outbox.unfinished_due_attempts(
                    session, client_id=client_id, now=SystemClock().now()
                )
                if wait
                else None
            )
        webhooks = None
        if due is not None:
            webhooks = asyncio.run(waiting.wait_for_attempts(session_factory, due))
        _print_advance(advance, webhooks, as_json=as_json)
        return 0
    except errors.PlaidError as error:
        print(f"gingham: {error.error_message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _print_clock(session: Session, client_id: str, real_now: datetime, *, as_json: bool) -> None:

    state = clock_service.clock_state(session, client_id, real_now)
    if as_json:
        print(json.dumps(clock_api.clock_json(state)))
        return
    timers = clock_service.pending_timers(session, client_id)
    print(f"Sandbox clock of client {client_id}: {format_datetime(state.now)}")
    print(f"  {_ahead(state.offset_seconds)}; real time {format_datetime(real_now)}")
    print(f"  {len(timers)} pending timer(s)" + (":" if timers else ""))
    for timer in timers:
        print(f"    {format_datetime(timer.due_at)}  {timer.kind}  {timer.subject_id or '-'}")


def _print_advance(
    advance: clock_service.Advance, webhooks: waiting.DeliveryTally | None, *, as_json: bool
) -> None:

    if as_json:
        answer = clock_api.advance_json(advance)
        if webhooks is not None:
            answer["webhooks"] = webhooks.json()
        print(json.dumps(answer))
        return
    print(
        f"Advanced the sandbox clock of client {advance.clock.client_id} to "
        f"{format_datetime(advance.clock.now)} ({_ahead(advance.clock.offset_seconds)})."
    )
    print(f"Fired {len(advance.fired)} timer(s)" + (":" if advance.fired else "."))
    for fired in advance.fired:
        print(f"  {format_datetime(fired.due_at)}  {fired.kind}  {fired.subject_id or '-'}")
    if webhooks is not None:
        print(
            f"Webhooks: {webhooks.delivered} delivered, {webhooks.failed} failed, "
            f"{webhooks.pending} still pending."
        )
        if webhooks.pending:
            print(
                "  Webhooks are sent by `gingham serve` (unless GINGHAM_WORKER=0) or by "
                "`gingham worker`: is one running on this database?"
            )


def _ahead(offset_seconds: float) -> str:
    if not offset_seconds:
        return "on real time"
    return f"{timedelta(seconds=round(offset_seconds))} ahead of real time"


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
    serve_parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not deliver webhooks from this process (run `gingham worker`; or GINGHAM_WORKER=0)",
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
    for name, allow_list in ALLOW_LISTS.items():
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
    args = _parser().parse_args(argv)
    if args.command == "serve":
        serve(
            Settings.from_env(
                host=args.host, port=args.port, webhook_worker=False if args.no_worker else None
            ),
            access_log=args.access_log,
        )
    elif args.command == "worker":
        run_worker(Settings.from_env())
    elif args.command == "migrate":
        _prepare_database(Settings.from_env())
    elif args.command == "client" and args.client_command == "create":
        client_create(Settings.from_env(), args.name, as_json=args.json)
    elif args.command == "clock":
        status = manage_clock(
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
    elif args.command == "bank":
        _prepare_database(Settings.from_env())
        status = bank_cli.run(Settings.from_env(), args)
        if status:
            sys.exit(status)
    elif args.command == "client":
        status = manage_allow_list(
            Settings.from_env(),
            ALLOW_LISTS[args.client_command],
            args.allow_list_action,
            args.client_id,
            getattr(args, "value", None),
        )
        if status:
            sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
