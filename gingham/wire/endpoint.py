"""The adapter between HTTP and a Plaid endpoint handler.

Every Plaid endpoint is `POST <path>` with a JSON object body. The adapter takes the credentials
from the headers or the body, authenticates them, validates the body against the endpoint's
schema and runs the handler in one database transaction, on a JSON route (gingham.wire.json_route:
parsing, rendering the result or the Plaid error). It is the only place that does any of this,
so every endpoint behaves alike. What handlers are given is gingham.wire.context.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from gingham import errors
from gingham.db import read_only_session, request_session
from gingham.wire.context import (
    AfterCommit,
    AnyHandler,
    Caller,
    FileBody,
    JSONObject,
    RequestContext,
    Runtime,
)
from gingham.wire.json_route import (
    BeforeBody,
    json_route,
)
from gingham.wire.recording import (
    CALLER_STATE_KEY,
    recording_hook,
)
from gingham.wire.validation import Schema, request_schema, validate

logger = logging.getLogger("gingham.api")


def _credentials(request: Request, body: JSONObject) -> tuple[str, str]:
    client_id = body.pop("client_id", None) or request.headers.get("plaid-client-id")
    secret = body.pop("secret", None) or request.headers.get("plaid-secret")
    missing = [name for name, value in (("client_id", client_id), ("secret", secret)) if not value]
    if missing:
        raise errors.missing_fields(missing)
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise errors.invalid_field("client_id and secret must be strings")
    return client_id, secret


def _public_key(request: Request, body: JSONObject, path: str, accepted: bool) -> str | None:
    """The legacy `public_key` a request authenticates with instead of client_id and secret, or
    None when it sends none. Only the endpoints that took one at Plaid accept it, and never
    together with client_id or secret."""
    if "public_key" not in body:
        return None
    public_key = body.pop("public_key")
    if not accepted:
        raise errors.public_key_not_accepted(path)
    if any(
        (
            body.get("client_id") is not None,
            body.get("secret") is not None,
            request.headers.get("plaid-client-id"),
            request.headers.get("plaid-secret"),
        )
    ):
        raise errors.public_key_with_api_keys()
    if not isinstance(public_key, str) or not public_key:
        raise errors.invalid_field("public_key must be a non-empty string")
    return public_key


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A JSON endpoint that takes API credentials, as each domain's `api.py` declares it in its
    ENDPOINTS: Plaid's own (validated against Plaid's schema for `path`), or one of Gingham's
    under /_gingham/ (validated against the `schema` given). create_app makes each a
    plaid_route."""

    path: str
    handler: AnyHandler
    schema: Schema | None = None
    # One of the endpoints Plaid's legacy API let a `public_key` call in place of client_id and
    # secret (/institutions/search, /institutions/get_by_id, /sandbox/public_token/create).
    accepts_public_key: bool = False
    # Never writes: runs without the write lock (gingham.db.read_only_session); a write fails.
    read_only: bool = False


def endpoint_routes(endpoints: list[Endpoint], runtime: Runtime) -> list[Route]:
    return [
        plaid_route(
            endpoint.path,
            endpoint.handler,
            runtime,
            schema=endpoint.schema,
            accepts_public_key=endpoint.accepts_public_key,
            read_only=endpoint.read_only,
        )
        for endpoint in endpoints
    ]


def plaid_route(
    path: str,
    handler: AnyHandler,
    runtime: Runtime,
    *,
    schema: Schema | None = None,
    accepts_public_key: bool = False,
    read_only: bool = False,
) -> Route:
    """A route for a Plaid endpoint: credentials from the headers or the body (or, where
    `accepts_public_key`, a legacy public key in the body), authenticated, then the body
    validated against Plaid's schema for `path` (or, for Gingham's own endpoints that take API
    credentials, the schema given), and `handler` run in one transaction."""
    if schema is None:
        schema = request_schema(path)

    def unit_of_work(
        request: Request, body: JSONObject, request_id: str, after_commit: list[AfterCommit]
    ) -> JSONObject | FileBody:
        credentials = _public_key(request, body, path, accepts_public_key) or _credentials(
            request, body
        )
        with request_session(runtime.session_factory, read_only=read_only) as session:
            caller = _caller(runtime, session, request, path, credentials)
            # For the request log: from here on the request is the caller's.
            request.scope["state"][CALLER_STATE_KEY] = caller
            validate(body, schema)
            return run_handler(handler, body, session, caller, runtime, request_id, after_commit)

    return json_route(
        path,
        runtime,
        unit_of_work,
        before_body=_header_credentials_checker(runtime),
        schema=schema,
        accepts_public_key=accepts_public_key,
        record=(
            recording_hook(runtime.request_recorder, runtime.clock, path)
            if runtime.request_recorder is not None
            else None
        ),
    )


def _header_credentials_checker(runtime: Runtime) -> BeforeBody:
    """Credentials sent in headers are checked before the body is read, so a caller without
    valid keys cannot make Gingham buffer and parse a body (and is told so at once). Recently
    verified secrets cost no query; credentials in the body are checked after parsing, as
    they must be."""

    def authenticate(request: Request, client_id: str, secret: str) -> None:
        with read_only_session(runtime.session_factory) as session:
            _authenticate(runtime, session, request, client_id, secret)

    async def check(request: Request) -> None:
        client_id = request.headers.get("plaid-client-id")
        secret = request.headers.get("plaid-secret")
        if not client_id or not secret:
            return
        if runtime.authenticator.recently_verified(client_id, secret):
            return
        if runtime.database_in_threads:
            await run_in_threadpool(authenticate, request, client_id, secret)
        else:
            authenticate(request, client_id, secret)

    return check


def _caller(
    runtime: Runtime,
    session: Session,
    request: Request,
    path: str,
    credentials: tuple[str, str] | str,
) -> Caller:
    """Who calls with `credentials`: (client_id, secret), or a legacy public key."""
    if isinstance(credentials, str):
        client_id, environment = runtime.authenticator.authenticate_public_key(
            session, credentials, path, _address(request)
        )
        return Caller(client_id, environment)
    client_id, secret = credentials
    return Caller(client_id, _authenticate(runtime, session, request, client_id, secret))


def _authenticate(
    runtime: Runtime, session: Session, request: Request, client_id: str, secret: str
) -> str:
    return runtime.authenticator.authenticate(session, client_id, secret, _address(request))


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def run_handler(
    handler: AnyHandler,
    body: JSONObject,
    session: Session,
    caller: Caller,
    runtime: Runtime,
    request_id: str,
    after_commit: list[AfterCommit],
) -> JSONObject | FileBody:
    """`handler(context, body)` for an authenticated `caller`, in the transaction open on
    `session`, at the caller's time on its sandbox clock."""
    context = RequestContext(
        session=session,
        caller=caller,
        now=runtime.client_clocks.now(session, caller.client_id, runtime.clock.now()),
        request_id=request_id,
        runtime=runtime,
        after_commit_hooks=after_commit,
    )
    return handler(context, body)


InternalWork = Callable[[Session, JSONObject, dict[str, Any], str], JSONObject]


def internal_route(
    path: str,
    work: InternalWork,
    runtime: Runtime,
    *,
    schema: Schema,
    before_body: BeforeBody | None = None,
) -> Route:
    """A route for one of Gingham's own JSON endpoints that take no API credentials (the Link
    frame's, authenticated by the link token in the body; the demo app's).

    `work(session, body, path_params, request_id)` returns the response body.
    """

    def unit_of_work(
        request: Request, body: JSONObject, request_id: str, after_commit: list[AfterCommit]
    ) -> JSONObject:
        validate(body, schema)
        with runtime.session_factory() as session, session.begin():
            return work(session, body, dict(request.path_params), request_id)

    return json_route(path, runtime, unit_of_work, before_body=before_body, schema=schema)
