"""create_app: the ASGI application, its routes and error handling, wired explicitly."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import Engine
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import __version__, errors
from gingham.accounts import api as accounts_api
from gingham.admin import api as admin_api
from gingham.assets import api as assets_api
from gingham.assets import timers as assets_timers
from gingham.bank_income import api as bank_income_api
from gingham.bank_income import timers as bank_income_timers
from gingham.bank_simulation import api as bank_simulation_api
from gingham.bank_simulation import institutions as bank_simulation_institutions
from gingham.clients import api as clients_api
from gingham.clients.attempts import FailedCredentials
from gingham.clients.authentication import ApiKeyAuthenticator
from gingham.clock import Clock, SystemClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.dashboard import pages as dashboard_pages
from gingham.db import is_in_memory, make_engine, make_session_factory
from gingham.demo import api as demo_api
from gingham.demo import pages as demo_pages
from gingham.hosted_link import api as hosted_link_api
from gingham.hosted_link import pages as hosted_link_pages
from gingham.hosted_link import service as hosted_link_service
from gingham.identity import api as identity_api
from gingham.institutions import api as institutions_api
from gingham.institutions import pages as institutions_pages
from gingham.investments import api as investments_api
from gingham.investments import timers as investments_timers
from gingham.items import api as items_api
from gingham.items import lifecycle as items_lifecycle
from gingham.liabilities import api as liabilities_api
from gingham.link import api as link_api
from gingham.link import expiry as link_expiry
from gingham.link import headless as link_headless
from gingham.link import legal as link_legal
from gingham.link import pages as link_pages
from gingham.link.oauth import CALLBACK_PATH
from gingham.link_customizations import api as link_customizations_api
from gingham.link_tokens import api as link_tokens_api
from gingham.oauth_bank.connector import OAuthBankConnector
from gingham.oauth_bank.service import ensure_connector_client
from gingham.read_cache import service as read_cache
from gingham.request_log import api as request_log_api
from gingham.request_log import store as request_log_store
from gingham.request_log.process import RequestLogProcess
from gingham.request_log.writer import RequestLogWriter
from gingham.sandbox import api as sandbox_api
from gingham.sandbox_clock import api as sandbox_clock_api
from gingham.sandbox_clock.offsets import ClientClocks
from gingham.sandbox_clock.timer_loop import TimerLoop
from gingham.sandbox_clock.timers import TimerHandler, merge_timer_handlers
from gingham.signal import api as signal_api
from gingham.statements import api as statements_api
from gingham.statements import timers as statements_timers
from gingham.transactions import api as transactions_api
from gingham.transactions import timers as transactions_timers
from gingham.users import api as users_api
from gingham.webhook_inbox import api as webhook_inbox_api
from gingham.webhooks import api as webhooks_api
from gingham.webhooks.outbox import call_after_enqueueing_commits
from gingham.webhooks.worker import delivery_worker
from gingham.wire.access_log import AccessLog
from gingham.wire.body import BoundedBodies
from gingham.wire.context import AnyHandler, Runtime
from gingham.wire.endpoint import Endpoint, endpoint_routes
from gingham.wire.ids import new_request_id
from gingham.wire.json_route import error_response, json_response
from gingham.wire.routing import ExactPathRouter

# The JSON endpoints that take API credentials, Plaid's and Gingham's own (under /_gingham/),
# each package's listed in its api.py. The sandbox clock's are added in create_app: they share
# the app's clock cache and timer handlers.
ENDPOINTS: list[Endpoint] = [
    *link_tokens_api.ENDPOINTS,
    *items_api.ENDPOINTS,
    *accounts_api.ENDPOINTS,
    *institutions_api.ENDPOINTS,
    *sandbox_api.ENDPOINTS,
    *users_api.ENDPOINTS,
    *webhooks_api.ENDPOINTS,
    *transactions_api.ENDPOINTS,
    *identity_api.ENDPOINTS,
    *signal_api.ENDPOINTS,
    *investments_api.ENDPOINTS,
    *liabilities_api.ENDPOINTS,
    *assets_api.ENDPOINTS,
    *statements_api.ENDPOINTS,
    *bank_income_api.ENDPOINTS,
    *clients_api.ENDPOINTS,
    *link_customizations_api.ENDPOINTS,
    *bank_simulation_api.ENDPOINTS,
    *link_headless.ENDPOINTS,
    *hosted_link_api.ENDPOINTS,
    *request_log_api.ENDPOINTS,
    *webhook_inbox_api.ENDPOINTS,
    *admin_api.ENDPOINTS,
]
_GINGHAM_PATHS = "/_gingham/"
# Plaid's endpoints, path → handler (what the demo may call, what compatibility tests cover).
PLAID_ENDPOINTS: dict[str, AnyHandler] = {
    endpoint.path: endpoint.handler
    for endpoint in ENDPOINTS
    if not endpoint.path.startswith(_GINGHAM_PATHS)
}
# Plaid endpoints that accept more than Plaid's request schema says (a Gingham extension).
PLAID_SCHEMA_OVERRIDES = {
    endpoint.path: endpoint.schema
    for endpoint in ENDPOINTS
    if endpoint.schema is not None and endpoint.path in PLAID_ENDPOINTS
}


def timer_handlers(secrets: SecretBox) -> dict[str, TimerHandler]:
    """Timer kind → handler, from every domain that schedules sandbox timers. Every process that
    fires timers runs with these: the server (its timer loop and the clock API, which
    `gingham clock advance` calls) and `gingham worker`, each with the secret box of the
    database (a Link session's deadline may send Hosted Link's webhooks, which carry sealed
    tokens)."""
    return merge_timer_handlers(
        items_lifecycle.TIMER_HANDLERS,
        bank_simulation_institutions.TIMER_HANDLERS,
        transactions_timers.TIMER_HANDLERS,
        investments_timers.TIMER_HANDLERS,
        assets_timers.TIMER_HANDLERS,
        statements_timers.TIMER_HANDLERS,
        bank_income_timers.TIMER_HANDLERS,
        link_expiry.timer_handlers(secrets, on_end=hosted_link_service.session_ended),
    )


async def health(request: Request) -> Response:
    # The process id tells apart the processes of `gingham serve --workers N`.
    return json_response({"status": "ok", "version": __version__, "pid": os.getpid()})


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and wrong methods answer in Plaid's error shape too."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    error: errors.PlaidError
    if status == 404:
        error = errors.route_not_found(request.url.path)
    elif status == 405:
        error = errors.InvalidRequest(
            "INVALID_HTTP_METHOD",
            f"{request.method} is not allowed on {request.url.path}; Plaid endpoints take POST with a JSON body",
            status=405,
        )
    else:
        error = errors.internal_server_error()
    return error_response(error, new_request_id())


async def plaid_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, StatementError) and isinstance(exc.orig, errors.PlaidError):
        exc = exc.orig  # a value the database would refuse (gingham.db.BoundedString)
    if not isinstance(exc, errors.PlaidError):
        logging.getLogger("gingham.api").error(
            "unhandled error in %s", request.url.path, exc_info=exc
        )
        return await http_error(request, exc)
    return error_response(exc, new_request_id())


def _bank_connector(
    settings: Settings,
    session_factory: sessionmaker[Session],
    secrets: SecretBox,
    clock: Clock,
    http: httpx.AsyncClient,
) -> OAuthBankConnector:
    """Gingham's connector to the sandbox OAuth bank, registered there as an OAuth client whose
    one redirect URI is Link's callback."""
    with session_factory() as session, session.begin():
        credentials = ensure_connector_client(
            session, [settings.base_url + CALLBACK_PATH], secrets=secrets, now=clock.now()
        )
    return OAuthBankConnector(
        http,
        base_url=settings.bank_url,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        clock=clock,
    )


def _request_recorder(
    settings: Settings, session_factory: sessionmaker[Session], *, owns_database: bool
) -> RequestLogProcess | RequestLogWriter | None:
    """Requests are gathered as they are answered and written by a process of its own beside
    this one. A database only this process can reach (in memory) is written by a background
    task here; tests that roll back their connection flush that one themselves
    (app.state.request_log.flush())."""
    if not settings.request_log:
        return None
    if owns_database and not is_in_memory(settings.database_url):
        return RequestLogProcess(settings.database_url, retention=settings.request_log_retention)
    return RequestLogWriter(session_factory, retention=settings.request_log_retention)


def _request_log_sessions(
    settings: Settings, *, owns_database: bool
) -> sessionmaker[Session] | None:
    """Sessions on the request log's own file, where it has one (gingham.request_log.store): also
    with the log off, so that a reset wipes what an earlier run logged."""
    if not owns_database or request_log_store.own_file(settings.database_url) is None:
        return None
    return make_session_factory(request_log_store.log_engine(settings.database_url))


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    session_factory: sessionmaker[Session] | None = None,
    bank_http: httpx.AsyncClient | None = None,
    extra_timer_handlers: Mapping[str, TimerHandler] | None = None,
) -> Starlette:
    """The application. Tests pass a session factory bound to a connection they roll back, and
    may pass the HTTP client the OAuth connector reaches the bank with, and timer handlers of
    their own besides Gingham's."""
    # An injected session factory is a test's connection, rolled back afterwards: a background
    # worker must not share it, so those tests run the webhook worker themselves.
    owns_database = session_factory is None
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    # The cache belongs to the engine the app reads through; a test's factory bound to the one
    # connection it rolls back has none (gingham.read_cache keeps away from transactions anyway).
    if isinstance(bind := session_factory.kw.get("bind"), Engine):
        read_cache.install(bind, settings.read_cache)
    clock = clock or SystemClock()
    secrets = SecretBox(load_or_create_key(settings.secret_key, settings.data_dir))
    handlers = merge_timer_handlers(timer_handlers(secrets), extra_timer_handlers or {})
    # All outbound HTTP (the bank, webhooks) goes through this one client, closed with the app.
    http = bank_http or httpx.AsyncClient(timeout=10.0)
    # Each process keeps its own cache of the clients' sandbox clocks; the clock API updates it
    # when this process moves a clock, every endpoint reads each client's time through it.
    client_clocks = ClientClocks()
    request_log = _request_recorder(settings, session_factory, owns_database=owns_database)
    request_log_sessions = _request_log_sessions(settings, owns_database=owns_database)
    runtime = Runtime(
        settings=settings,
        session_factory=session_factory,
        clock=clock,
        secrets=secrets,
        authenticator=ApiKeyAuthenticator(
            FailedCredentials(limit=settings.failed_credentials_limit)
        ),
        client_clocks=client_clocks,
        bank=_bank_connector(settings, session_factory, secrets, clock, http),
        database_in_threads=not settings.is_sqlite,
        request_recorder=request_log,
        request_log_sessions=request_log_sessions,
    )

    worker = None
    if settings.webhook_worker and owns_database:
        worker = delivery_worker(settings, session_factory, secrets=secrets, clock=clock, http=http)
        call_after_enqueueing_commits(session_factory, worker.wake)
    # Timers fire as real time reaches them here too when `gingham worker` processes deliver
    # (GINGHAM_WORKER=0): any number of loops may share a database. Sharing the session factory,
    # the worker is woken by the commits of webhooks the timers enqueued.
    timer_loop = (
        TimerLoop(session_factory=session_factory, clock=clock, handlers=handlers)
        if owns_database
        else None
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        delivering = asyncio.create_task(worker.run()) if worker else None
        firing = asyncio.create_task(timer_loop.run()) if timer_loop else None
        writing = None
        if isinstance(request_log, RequestLogProcess):
            writing = asyncio.create_task(request_log.run())
        elif request_log is not None and owns_database:
            writing = asyncio.create_task(request_log.run(in_thread=runtime.database_in_threads))
        yield
        if request_log is not None and writing:
            # Writes what is still queued before the database goes.
            request_log.stop()
            await writing
        if timer_loop and firing:
            timer_loop.stop()
            await firing
        if worker and delivering:
            worker.stop()
            await delivering
        if bank_http is None:
            await http.aclose()

    # Set as the server begins to stop, to end the live streams (app.state.close_streams).
    streams_closing = asyncio.Event()
    endpoints = [*ENDPOINTS, *sandbox_clock_api.endpoints(client_clocks, handlers)]
    routes: list[BaseRoute] = [
        *endpoint_routes(endpoints, runtime),
        *transactions_api.routes(runtime),
        *link_api.frame_routes(runtime, on_end=hosted_link_service.session_ended),
        *link_pages.routes(runtime),
        *hosted_link_pages.routes(runtime),
        *institutions_pages.routes(),
        *link_legal.routes(),
        *(demo_api.routes(runtime, PLAID_ENDPOINTS) if settings.demo_enabled else []),
        *demo_pages.routes(runtime),
        *dashboard_pages.routes(runtime, endpoints),
        *request_log_api.routes(runtime, streams_closing),
        *webhook_inbox_api.routes(runtime, streams_closing),
        Route("/_gingham/health", health, methods=["GET", "POST"]),
        *admin_api.admin_routes(runtime),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: http_error,
            # A body refused as it streamed in (gingham.wire.body), on a route that is not a
            # JSON endpoint (those render Plaid errors themselves).
            errors.PlaidError: plaid_error,
            StatementError: plaid_error,
            Exception: http_error,
        },
        middleware=[
            *([Middleware(AccessLog)] if settings.access_log else []),
            Middleware(
                BoundedBodies,
                limit=settings.max_body_bytes,
                timeout=settings.body_timeout_seconds,
            ),
        ],
        lifespan=lifespan,
    )
    # The same routes, fixed paths found in a dict rather than by a scan (gingham.wire.routing).
    app.router = ExactPathRouter(app.router.routes, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.webhook_worker = worker
    app.state.timer_loop = timer_loop
    app.state.request_log = request_log
    app.state.close_streams = streams_closing.set
    return app
