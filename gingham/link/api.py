"""Link's HTTP surface: the frame's internal API, and headless completion for tests.

The frame API is Gingham's own (the frame is its only client); the link token authenticates
every call. Headless completion (gingham.link.headless) drives the same state machine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gingham import errors
from gingham.link import legacy, oauth, service
from gingham.link.flow import FlowContext, SessionEnded
from gingham.link_tokens.models import LinkToken
from gingham.wire.context import JSONObject, Runtime
from gingham.wire.endpoint import internal_route
from gingham.wire.ids import token_hash
from gingham.wire.validation import Schema

# A session starts with a link token, or with a public key and its legacy Plaid.create options
# (gingham.link.legacy checks those, to name the option at fault as Plaid did).
_START_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "link_token": {"type": "string", "minLength": 1},
        # Set when Link is re-initialised at the redirect URI after an OAuth bank.
        "received_redirect_uri": {"type": "string", "nullable": True},
        "public_key": {"type": "string", "minLength": 1},
        "legacy": {"type": "object", "open": True},
    },
}
# Each action's own fields are checked by the state machine, which knows the view it applies to.
_ACTION_SCHEMA: Schema = {
    "type": "object",
    "required": ["link_token", "action"],
    "open": True,
    "properties": {
        "link_token": {"type": "string", "minLength": 1},
        "action": {"type": "string", "minLength": 1},
    },
}


def frame_routes(runtime: Runtime, *, on_end: SessionEnded | None = None) -> list[Route]:
    def context(session: Session, request_id: str, link_token: str) -> FlowContext:
        # The frame runs on the time of the client whose link token it holds.
        hashed = token_hash(link_token)
        token = session.scalar(select(LinkToken).where(LinkToken.token_hash == hashed))
        real_now = runtime.clock.now()
        if token is None:  # an unknown token: Link refuses it anyway
            return flow_context(runtime, session, request_id, now=real_now)
        now = runtime.client_clocks.now(session, token.client_id, real_now)
        ctx = flow_context(runtime, session, request_id, now=now)
        # The call reads the token again by its hash (gingham.link.service): from here.
        ctx.link_tokens[hashed] = token
        return ctx

    def start(
        session: Session, body: JSONObject, path: dict[str, Any], request_id: str
    ) -> JSONObject:
        if "link_token" not in body:
            public_key = body.get("public_key")
            if public_key is None:
                raise errors.missing_fields(["link_token"])
            ctx = flow_context(runtime, session, request_id)
            client_id = legacy.client_of_public_key(ctx, public_key)
            if client_id is not None:
                ctx.now = runtime.client_clocks.now(session, client_id, ctx.now)
            return service.start_legacy_session(ctx, public_key, body.get("legacy") or {})
        return service.start_session(
            context(session, request_id, body["link_token"]),
            body["link_token"],
            body.get("received_redirect_uri"),
            on_end=on_end,
        )

    def act(
        session: Session, body: JSONObject, path: dict[str, Any], request_id: str
    ) -> JSONObject:
        action, link_token = body.pop("action"), body.pop("link_token")
        return service.apply_action(
            context(session, request_id, link_token),
            path["link_session_id"],
            link_token,
            action,
            body,
            on_end=on_end,
        )

    async def oauth_callback(request: Request) -> Response:
        return await oauth.handle_callback(request, runtime)

    return [
        Route(oauth.CALLBACK_PATH, oauth_callback, methods=["GET"]),
        internal_route("/link/frame/sessions", start, runtime, schema=_START_SCHEMA),
        internal_route(
            "/link/frame/sessions/{link_session_id}/actions", act, runtime, schema=_ACTION_SCHEMA
        ),
    ]


def flow_context(
    runtime: Runtime, session: Session, request_id: str, *, now: datetime | None = None
) -> FlowContext:
    """`now` is the client's time (its sandbox clock); real time when not given."""
    real_now = runtime.clock.now()
    return FlowContext(
        session,
        now or real_now,
        request_id,
        runtime.secrets,
        bank=runtime.bank,
        callback_url=oauth.callback_url(runtime),
        real_now=real_now,
    )
