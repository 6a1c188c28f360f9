"""`gingham serve` and `gingham worker`: the long-running processes, and what they print."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from gingham import __version__
from gingham.cli import processes
from gingham.cli.database import DEFAULT_CLIENT_NAME, create_client, prepare_database
from gingham.clients.service import IssuedCredentials
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.db import make_engine, make_session_factory

LOG_LEVELS = ("debug", "info", "warning", "error")


def configure_logging(settings: Settings) -> None:
    level = settings.log_level.upper()
    logging.basicConfig(level=level, format="%(levelname)s:     %(name)s: %(message)s")
    quiet_below = logging.DEBUG if level == "DEBUG" else logging.WARNING
    # Migrations, one line per outbound request (every webhook sent) and uvicorn's start-up lines
    # would bury the banner; --log-level debug brings them back. Failed deliveries are logged by
    # gingham.webhooks, and the delivery log has every attempt.
    for chatty in ("alembic", "httpx"):
        logging.getLogger(chatty).setLevel(max(quiet_below, logging.getLogger().level))
    # Request lines read like `stripe logs tail`'s: no level or logger name in front.
    access = logging.getLogger("gingham.access")
    access.propagate = False
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("  %(asctime)s  %(message)s", datefmt="%H:%M:%S"))
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO if settings.access_log else logging.WARNING)


@dataclass(frozen=True)
class Listener:
    """A port a process of `gingham serve` listens on, and the option that changes it."""

    label: str
    port: int
    option: str


class PortInUse(Exception):
    def __init__(self, listener: Listener) -> None:
        super().__init__(
            f"gingham: port {listener.port} ({listener.label}) is already in use; "
            f"choose another with {listener.option} N"
        )


def bind(host: str, listener: Listener) -> socket.socket:
    """The listening socket, bound before anything starts so that a busy port is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, listener.port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(listener) from None
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def banner(settings: Settings, created: IssuedCredentials | None) -> str:
    url = settings.base_url
    lines = [
        f"Gingham {__version__}",
        f"  API (Plaid-compatible):  {url}",
        f"  dashboard:               {url}/dashboard (sign in with a client_id and secret)",
        f"  sandbox OAuth bank:      {settings.bank_url}",
        f"  database:                {settings.database_url.split('@')[-1]}",
        _processes_line(settings),
        (
            f"  webhooks:                delivered by {'these processes' if settings.processes > 1 else 'this process'} ({settings.webhook_retry} retries)"
            if settings.webhook_worker
            else "  webhooks:                queued for `gingham worker` processes (GINGHAM_WORKER=0)"
        ),
        (
            f"  demo app:                {url}/ (try Link there)"
            if settings.demo_enabled
            else "  demo app:                off (GINGHAM_DEMO=1 switches it on)"
        ),
        (
            "  requests:                one line each below (--quiet switches them off)"
            if settings.access_log
            else "  requests:                not logged (--quiet)"
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


def _processes_line(settings: Settings) -> str:
    loop = "uvloop" if event_loop_factory() is not None else "asyncio"
    if settings.processes > 1:
        return (
            f"  processes:               {settings.processes} API processes on one port "
            f"(the first also serves the bank), {loop}"
        )
    return f"  processes:               1 ({loop}; --workers N for more, on PostgreSQL)"


def serve(settings: Settings) -> int:
    """Serve the API and the sandbox OAuth bank until SIGINT or SIGTERM; the exit status. With
    more than one process (settings.processes), gingham.cli.processes runs them."""
    configure_logging(settings)
    if settings.processes > 1 and settings.is_sqlite:
        print(processes.SQLITE_REFUSAL, file=sys.stderr)
        return 2
    try:
        api_socket = bind(settings.host, Listener("API", settings.port, "--port"))
        try:
            bank_socket = bind(
                settings.host,
                Listener("sandbox OAuth bank", settings.bank_listen_port, "--bank-port"),
            )
        except PortInUse:
            api_socket.close()
            raise
    except PortInUse as busy:
        print(busy, file=sys.stderr)
        return 1
    prepare_database(settings)
    # The first client gets a demo application profile: every sandbox bank links out of the box.
    created = create_client(settings, DEFAULT_CLIENT_NAME, only_if_none=True, demo_profile=True)
    # Created before any process starts, so that they all read the same key.
    load_or_create_key(settings.secret_key, settings.data_dir)
    print(banner(settings, created), flush=True)
    if settings.processes > 1:
        return processes.supervise(settings, serve_in_child, api_socket, bank_socket)
    run_servers(settings, api_socket, bank_socket)
    return 0


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when it is installed (it is a dependency), else asyncio's: what
    uvicorn's loop="auto" picks, chosen here because Gingham runs its servers, the webhook worker
    and the timer loop in an event loop of its own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


# How long an idle connection stays open. Clients keep pooled connections for reuse (plaid-python
# for as long as the server allows, node's agent up to its own timeout); when the server closes one
# first, a request sent on it at that moment fails with "connection reset". uvicorn's default of
# 5 s is shorter than many an app's pause between two calls; 75 s is nginx's default, and longer
# than the idle timeouts of Node's and most other clients' pools, so they close first.
KEEP_ALIVE_SECONDS = 75


def run_servers(
    settings: Settings,
    api_socket: socket.socket,
    bank_socket: socket.socket | None,
    *,
    stop_on_sigint: bool = True,
) -> None:
    """Serve the API on `api_socket`, and the sandbox OAuth bank on `bank_socket` if given, in
    this process until SIGINT or SIGTERM (SIGTERM only, without `stop_on_sigint`). The API's
    lifespan runs the webhook worker and the timer loop as the settings say."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # An API process of `--workers N` stops on its supervisor's SIGTERM alone: a Ctrl-C
            # reaches it too, and uvicorn takes a second signal, SIGINT after SIGTERM, as "stop
            # without finishing", which would skip the lifespan's shutdown.
            if sig == signal.SIGINT and not stop_on_sigint:
                return
            super().handle_exit(sig, frame)

    from gingham.app import create_app
    from gingham.oauth_bank.server import create_bank_app

    def server(app: object) -> uvicorn.Server:
        return Server(
            uvicorn.Config(
                app,  # type: ignore[arg-type]
                # uvicorn's own start-up lines repeat the banner; errors still show.
                log_level="debug" if settings.log_level == "debug" else "warning",
                # gingham.wire.access_log writes Gingham's own, shorter lines.
                access_log=False,
                server_header=False,
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
            )
        )

    engine = make_engine(settings.database_url)
    clock = SystemClock()
    bank = (
        server(
            create_bank_app(
                session_factory=make_session_factory(engine),
                clock=clock,
                secrets=SecretBox(load_or_create_key(settings.secret_key, settings.data_dir)),
                public_url=settings.bank_url,
                max_body_bytes=settings.max_body_bytes,
                body_timeout_seconds=settings.body_timeout_seconds,
            )
        )
        if bank_socket is not None
        else None
    )
    app = create_app(settings, clock=clock)
    gingham = server(app)

    async def close_streams_on_exit() -> None:
        # Live streams (`gingham logs tail`) never end by themselves, and uvicorn waits for open
        # responses before it stops: end them as soon as it begins to stop.
        while not gingham.should_exit:
            await asyncio.sleep(0.1)
        app.state.close_streams()

    async def serve_both() -> None:
        # The bank is a separate origin, as a real bank is: its own server on its own port, in
        # this process. Stopping Gingham (Ctrl-C, SIGTERM) stops the bank with it.
        bank_task = (
            asyncio.create_task(bank.serve(sockets=[bank_socket]))
            if bank is not None and bank_socket is not None
            else None
        )
        streams_task = asyncio.create_task(close_streams_on_exit())
        try:
            await gingham.serve(sockets=[api_socket])
        finally:
            if bank is not None and bank_task is not None:
                bank.should_exit = True
                await bank_task
            streams_task.cancel()

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(serve_both())


def serve_in_child(
    settings: Settings, api_socket: socket.socket, bank_socket: socket.socket | None
) -> None:
    """One API process of `gingham serve --workers N` (the first serves the bank too), in a
    spawned interpreter."""
    configure_logging(settings)
    run_servers(settings, api_socket, bank_socket, stop_on_sigint=False)


def run_worker(settings: Settings) -> None:
    """Deliver webhooks and fire the sandbox timers that real time brings due, until SIGINT or
    SIGTERM."""
    import httpx

    from gingham.app import timer_handlers
    from gingham.sandbox_clock.timer_loop import TimerLoop
    from gingham.webhooks.outbox import call_after_enqueueing_commits
    from gingham.webhooks.worker import delivery_worker

    configure_logging(settings)
    prepare_database(settings)
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
                session_factory=session_factory, clock=clock, handlers=timer_handlers(secrets)
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
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(deliver())
    finally:
        engine.dispose()
