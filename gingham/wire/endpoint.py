"""The adapter between HTTP and a Plaid endpoint handler.

Every Plaid endpoint is `POST <path>` with a JSON object body. The adapter parses the body, takes
the credentials from the headers or the body, authenticates them, validates the body against the
endpoint's schema, runs the handler in one database transaction, and renders the result or the
Plaid error. It is the only place that does any of this, so every endpoint behaves alike.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gingham import errors
from gingham.clock import Clock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.db import read_only_session, request_session
from gingham.wire import json
from gingham.wire.access_log import REQUEST_ID_STATE_KEY
from gingham.wire.ids import new_request_id
from gingham.wire.recording import (
    CALLER_STATE_KEY,
    RecordResponse,
    RequestRecorder,
    recording_hook,
)
from gingham.wire.validation import Schema, request_schema, validate

if TYPE_CHECKING:
    from gingham.oauth_bank.connector import BankConnector

logger = logging.getLogger("gingham.api")

JSONObject = dict[str, Any]
# Work a handler leaves for after its transaction has committed — waiting on what other
# connections do, which must not hold the transaction open. Awaited on the event loop before the
# response is rendered; it may add to the handler's result.
AfterCommit = Callable[[JSONObject], Awaitable[None]]


class Authenticator(Protocol):
    """Checks API credentials (gingham.clients.authentication implements it)."""

    def recently_verified(self, client_id: str, secret: str) -> bool:
        """Whether the pair was verified lately, known without a query."""
        ...

    def forget_secrets(self, client_id: str) -> None:
        """Stop trusting the client's recently verified secrets (they were rotated)."""
        ...

    def authenticate(
        self, session: Session, client_id: str, secret: str, address: str | None
    ) -> str:
        """The environment the secret belongs to, or the Plaid error to answer: INVALID_API_KEYS,
        or RATE_LIMIT_EXCEEDED for an address or client_id that failed too often."""
        ...

    def authenticate_public_key(
        self, session: Session, public_key: str, path: str, address: str | None
    ) -> tuple[str, str]:
        """The (client_id, environment) a legacy public key stands for on the endpoint `path`,
        or the Plaid error to answer: an unknown key, a key switched off for the API there, or
        RATE_LIMIT_EXCEEDED for an address that failed too often."""
        ...


class ClientTime(Protocol):
    """Each client's time: real time moved by its sandbox clock (gingham.sandbox_clock)."""

    def now(self, session: Session, client_id: str, real_now: datetime) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Runtime:
    """What handlers need from the running server, built once by create_app."""

    settings: Settings
    session_factory: sessionmaker[Session]
    # Real time; a client's time is this plus its sandbox clock's offset (client_clocks).
    clock: Clock
    secrets: SecretBox
    authenticator: Authenticator
    client_clocks: ClientTime
    # Gingham's connector to the sandbox OAuth bank (None where no bank is served).
    bank: BankConnector | None = None
    # SQLite answers in microseconds from inside the process, so its work runs on the event loop;
    # a network database's round trips run in worker threads so requests overlap while waiting.
    database_in_threads: bool = False
    # Where credentialed requests are recorded for the request log (None: not recorded).
    request_recorder: RequestRecorder | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    client_id: str
    environment: str


@dataclass(frozen=True, slots=True)
class RequestContext:
    session: Session
    caller: Caller
    now: datetime
    request_id: str
    runtime: Runtime
    after_commit_hooks: list[AfterCommit] = field(default_factory=list)

    def after_commit(self, hook: AfterCommit) -> None:
        """Await `hook(result)` once the transaction has committed (never if it rolls back)."""
        self.after_commit_hooks.append(hook)


Handler = Callable[[RequestContext, JSONObject], JSONObject]


@dataclass(frozen=True, slots=True)
class FileBody:
    """What an endpoint that answers with a file (a PDF) returns instead of JSON. Plaid sends
    such files as the whole response body, with the request id in a header."""

    content: bytes
    media_type: str
    filename: str


FileHandler = Callable[[RequestContext, JSONObject], FileBody]
# Either kind: a JSON endpoint or a file endpoint.
AnyHandler = Callable[[RequestContext, JSONObject], JSONObject | FileBody]


def json_response(body: JSONObject, status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def error_response(error: errors.PlaidError, request_id: str) -> Response:
    return json_response(error.body(request_id), error.status)


def parse_json_object(raw: bytes, content_type: str | None) -> JSONObject:
    if content_type is not None and content_type.split(";", 1)[0].strip().lower() not in (
        "application/json",
        "",
    ):
        raise errors.invalid_body(
            f"request body must be JSON sent with Content-Type: application/json, not {content_type}"
        )
    try:
        body = json.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise errors.invalid_body(f"body could not be parsed as JSON: {exc}") from None
    if not isinstance(body, dict):
        raise errors.invalid_body("body must be a JSON object")
    return body


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


UnitOfWork = Callable[[Request, JSONObject, str, list[AfterCommit]], JSONObject | FileBody]
# Finishes a successful response from what the unit of work left in `request.state` (a cookie).
FinishResponse = Callable[[Request, Response], None]
# Checks made before the body is read (credentials sent in headers); raise a Plaid error to refuse.
BeforeBody = Callable[[Request], Awaitable[None]]
# Notes an answered request (its response, its request_id, when it started on perf_counter).


class JsonRoute(Route):
    """A JSON endpoint's route, which knows the schema its body is validated against (the
    request fuzzing in tests/fuzz reads it)."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        schema: Schema | None,
        *,
        accepts_public_key: bool = False,
    ) -> None:
        super().__init__(path, endpoint, methods=["POST"], name=path)
        self.schema = schema
        self.accepts_public_key = accepts_public_key


def json_route(
    path: str,
    runtime: Runtime,
    unit_of_work: UnitOfWork,
    *,
    finish: FinishResponse | None = None,
    before_body: BeforeBody | None = None,
    schema: Schema | None = None,
    accepts_public_key: bool = False,
    record: RecordResponse | None = None,
) -> Route:
    """POST `path` with a JSON object body: run `before_body(request)`, parse the body, run
    `unit_of_work(request, body, request_id, after_commit)` (on the event loop, or in a worker
    thread for a network database), then the hooks it added to `after_commit`, and answer its
    result (passed through `finish`) or its Plaid error. Anything unexpected is logged and
    answered as INTERNAL_SERVER_ERROR, without internals on the wire. `record` is told of every
    answer."""

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        request_id = new_request_id()
        request.scope.setdefault("state", {})[REQUEST_ID_STATE_KEY] = request_id
        response = await answer(request, request_id)
        if record is not None:
            await record(request, response, request_id, started)
        return response

    async def answer(request: Request, request_id: str) -> Response:
        after_commit: list[AfterCommit] = []
        try:
            if before_body is not None:
                await before_body(request)
            body = parse_json_object(await request.body(), request.headers.get("content-type"))
            if runtime.database_in_threads:
                result = await run_in_threadpool(
                    unit_of_work, request, body, request_id, after_commit
                )
            else:
                result = unit_of_work(request, body, request_id, after_commit)
            # The unit of work has returned, so its transaction has committed.
            if isinstance(result, FileBody):
                return file_response(result, request_id)
            for hook in after_commit:
                await hook(result)
        except errors.PlaidError as error:
            return error_response(error, request_id)
        except StatementError as error:
            # A value refused as it was bound to a statement (gingham.db.BoundedString).
            if isinstance(error.orig, errors.PlaidError):
                return error_response(error.orig, request_id)
            logger.exception("unhandled error in %s (request_id %s)", path, request_id)
            return error_response(errors.internal_server_error(), request_id)
        except Exception:
            logger.exception("unhandled error in %s (request_id %s)", path, request_id)
            return error_response(errors.internal_server_error(), request_id)
        result["request_id"] = request_id
        response = json_response(result)
        if finish is not None:
            finish(request, response)
        return response

    return JsonRoute(path, endpoint, schema, accepts_public_key=accepts_public_key)


def file_response(body: FileBody, request_id: str) -> Response:
    return Response(
        body.content,
        media_type=body.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{body.filename}"',
            "Plaid-Request-ID": request_id,
            # Plaid's checksum of a downloaded statement, for apps that verify what they store.
            "Plaid-Content-Hash": hashlib.sha256(body.content).hexdigest(),
        },
    )


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
