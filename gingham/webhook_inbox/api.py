"""The webhook inbox's endpoints.

- `/_gingham/webhook_inbox/get` (API credentials): the caller's receiver URL, made on first use;
  set it as a link token's or an Item's `webhook` and Gingham's webhooks land in the inbox.
- `POST /_gingham/webhook_inbox/<token>`: the receiver. It records every POST and checks its
  Plaid-Verification header as an app would, answering 200 when it verifies and 400 (with the
  reason) when it does not, as such an app would.
- `/_gingham/webhook_inbox/list` (API credentials) and `/_gingham/webhook_inbox/stream` (server-sent
  events, what `gingham webhooks tail` follows): what the inbox received.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gingham import errors
from gingham.webhook_inbox import service
from gingham.webhook_inbox.models import InboxMessage
from gingham.wire.context import Caller, JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import Endpoint
from gingham.wire.events import stream_route
from gingham.wire.ids import new_request_id
from gingham.wire.json_route import error_response, json_response
from gingham.wire.validation import Schema

GET_SCHEMA: Schema = {"type": "object", "properties": {}}
LIST_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "limit": {"type": "integer", "minimum": 1, "maximum": service.LIST_LIMIT_MAX},
        "verified": {"type": "boolean"},
    },
}


def get_inbox(ctx: RequestContext, body: JSONObject) -> JSONObject:
    token = service.inbox_token(
        ctx.session,
        ctx.runtime.secrets,
        client_id=ctx.caller.client_id,
        environment=ctx.caller.environment,
        now=ctx.runtime.clock.now(),
    )
    return {"url": service.inbox_url(ctx.runtime.settings.base_url, token)}


def list_inbox(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return {
        "webhooks": service.list_messages(
            ctx.session,
            client_id=ctx.caller.client_id,
            environment=ctx.caller.environment,
            limit=body.get("limit", service.LIST_LIMIT_DEFAULT),
            verified=body.get("verified"),
        )
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/webhook_inbox/get", get_inbox, GET_SCHEMA),
    Endpoint("/_gingham/webhook_inbox/list", list_inbox, LIST_SCHEMA),
]


def _poll(session: Session, caller: Caller, after: str, request: Request) -> list[JSONObject]:
    return service.list_messages(
        session,
        client_id=caller.client_id,
        environment=caller.environment,
        after=after,
        limit=service.LIST_LIMIT_MAX,
    )


def _receiver(runtime: Runtime) -> Route:
    def receive(token: str, headers: dict[str, str], body: bytes) -> InboxMessage | None:
        with runtime.session_factory() as session, session.begin():
            return service.receive(session, token, headers, body, runtime.clock.now())

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        headers = {name.lower(): value for name, value in request.headers.items()}
        token = request.path_params["token"]
        if runtime.database_in_threads:
            message = await run_in_threadpool(receive, token, headers, body)
        else:
            message = receive(token, headers, body)
        if message is None:
            return error_response(errors.route_not_found(request.url.path), new_request_id())
        answer: JSONObject = {"received": True, "verified": message.verified}
        if not message.verified:
            answer["reason"] = message.verification_error
        return json_response(answer, 200 if message.verified else 400)

    return Route(service.INBOX_PATH + "{token}", endpoint, methods=["POST"])


def routes(runtime: Runtime, closing: asyncio.Event) -> list[Route]:
    return [
        stream_route(service.INBOX_PATH + "stream", runtime, _poll, "webhook", closing),
        _receiver(runtime),
    ]
