"""/_gingham/requests/list and /_gingham/requests/stream: a client's API requests, redacted.

Both take the client's API credentials and show only the caller's requests in the environment of
its secret. The stream (server-sent events) is what `gingham logs tail` follows.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.routing import Route

from gingham.request_log import service, store
from gingham.request_log.service import RequestFilter
from gingham.wire.context import Caller, JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import Endpoint
from gingham.wire.events import stream_route
from gingham.wire.validation import Schema

LIST_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "endpoint": {"type": "string", "minLength": 1, "maxLength": 200},
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "request_id": {"type": "string", "minLength": 1, "maxLength": 64},
        "search": {"type": "string", "minLength": 1, "maxLength": 200},
        "limit": {"type": "integer", "minimum": 1, "maximum": service.LIST_LIMIT_MAX},
        "before": {"type": "string", "minLength": 1, "maxLength": 32},
    },
}


def list_requests(ctx: RequestContext, body: JSONObject) -> JSONObject:
    recorder = ctx.runtime.request_recorder
    with store.reading(ctx.runtime, ctx.session) as session:
        requests = service.list_requests(
            session,
            client_id=ctx.caller.client_id,
            environment=ctx.caller.environment,
            where=RequestFilter(
                endpoint=body.get("endpoint"),
                status=body.get("status"),
                request_id=body.get("request_id"),
                search=body.get("search"),
            ),
            limit=body.get("limit", service.LIST_LIMIT_DEFAULT),
            before=body.get("before"),
        )
    return {
        "requests": requests,
        # Requests this server could not queue for the log since it started (the writer fell
        # behind), so a gap in the list is explained.
        "dropped": recorder.dropped if recorder is not None else 0,
    }


ENDPOINTS: list[Endpoint] = [Endpoint("/_gingham/requests/list", list_requests, LIST_SCHEMA)]


def _stream_filter(request: Request) -> RequestFilter:
    status = request.query_params.get("status")
    return RequestFilter(
        endpoint=request.query_params.get("endpoint") or None,
        status=int(status) if status and status.isdigit() else None,
        search=request.query_params.get("search") or None,
    )


def routes(runtime: Runtime, closing: asyncio.Event) -> list[Route]:
    """The live stream; query parameters `endpoint`, `status` and `search` filter it."""

    def poll(session: Session, caller: Caller, after: str, request: Request) -> list[JSONObject]:
        with store.reading(runtime, session) as log_session:
            return service.requests_after(
                log_session,
                client_id=caller.client_id,
                environment=caller.environment,
                after=after,
                where=_stream_filter(request),
            )

    return [stream_route("/_gingham/requests/stream", runtime, poll, "request", closing)]
