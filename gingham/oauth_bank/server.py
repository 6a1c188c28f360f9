"""The sandbox OAuth bank as its own ASGI app: every OAuth institution under `/{institution_id}/`.

    GET  /{institution_id}/oauth/authorize   validate the request, show the sign-in page
    POST /{institution_id}/oauth/login       any username and password; on to the consent page
    GET  /{institution_id}/oauth/consent     choose accounts and data
    POST /{institution_id}/oauth/consent     Allow (a code) or Deny (access_denied), to the client
    GET  /{institution_id}/oauth/error       "Simulate a bank error": back with server_error
    POST /{institution_id}/oauth/token       authorization_code and refresh_token grants
    POST /{institution_id}/oauth/revoke      RFC 7009
    GET  /{institution_id}/api/accounts      the consented accounts (bearer access token)
    GET  /{institution_id}/api/consent       the consent behind the token
    GET  /.well-known/oauth-authorization-server/{institution_id}   RFC 8414 metadata

Authlib is synchronous: each endpoint reads the request, then does its database and Authlib work
in the thread pool, in one unit of work committed only when the answer is not an error.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gingham import errors
from gingham.clock import Clock
from gingham.crypto import SecretBox
from gingham.oauth_bank import api, pages, views
from gingham.oauth_bank.authorization import Lifetimes
from gingham.oauth_bank.runtime import BankRuntime, json_error
from gingham.wire import json
from gingham.wire.body import BoundedBodies
from gingham.wire.ids import new_request_id


def create_bank_app(
    *,
    session_factory: sessionmaker[Session],
    clock: Clock,
    secrets: SecretBox,
    public_url: str,
    lifetimes: Lifetimes | None = None,
    max_body_bytes: int = 1 << 20,
    body_timeout_seconds: float = 30.0,
) -> Starlette:
    """The bank. `public_url` is where browsers and clients reach it (the issuer's base);
    `lifetimes` sets the access-token and code lifetimes (15 and 5 minutes by default); request
    bodies are bounded as Gingham's are."""
    runtime = BankRuntime(
        session_factory=session_factory,
        clock=clock,
        secrets=secrets,
        public_url=public_url.rstrip("/"),
        lifetimes=lifetimes or Lifetimes(),
    )

    async def index(request: Request) -> Response:
        return views.index_page(await runtime.institutions())

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        path = request.url.path
        if "/api/" in path or path.endswith(("/token", "/revoke")):
            error = "not_found" if status == 404 else "invalid_request"
            return json_error(status, error, f"No {request.method} {path} here.")
        heading = "Page not found" if status == 404 else "Request not allowed"
        return views.message_page(None, heading, "There is nothing to show here.", status=status)

    static_dir = str(resources.files("gingham.oauth_bank").joinpath("static"))
    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET"]),
        Mount(views.STATIC_PATH, app=StaticFiles(directory=static_dir), name="bank-static"),
        *pages.routes(runtime),
        *api.routes(runtime),
    ]

    async def refused_body(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StatementError) and isinstance(exc.orig, errors.PlaidError):
            exc = exc.orig  # a value the database would refuse (gingham.db.BoundedString)
        if not isinstance(exc, errors.PlaidError):
            raise exc
        return Response(
            json.dumps(exc.body(new_request_id())),
            status_code=exc.status,
            media_type="application/json",
        )

    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: http_error,
            errors.PlaidError: refused_body,
            StatementError: refused_body,
        },
        middleware=[Middleware(BoundedBodies, limit=max_body_bytes, timeout=body_timeout_seconds)],
    )
    app.state.bank = runtime
    return app
