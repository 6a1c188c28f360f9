"""Link's HTTP surface: the frame's internal API, and headless completion for tests.

The frame API is Gingham's own (the frame is its only client); the link token authenticates
every call. Headless completion lives under /_gingham/, outside Plaid's namespace: it drives a
Link session to its end with the same state machine the frame uses, for apps' CI.
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
from gingham.bank import mfa
from gingham.link import oauth, service
from gingham.link.flow import FlowContext, LinkFlow
from gingham.link.models import LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.link_tokens.service import invalid_link_token
from gingham.wire.endpoint import JSONObject, RequestContext, Runtime, internal_route
from gingham.wire.ids import token_hash
from gingham.wire.validation import Schema

_START_SCHEMA: Schema = {
    "type": "object",
    "required": ["link_token"],
    "properties": {
        "link_token": {"type": "string", "minLength": 1},
        # Set when Link is re-initialised at the redirect URI after an OAuth bank.
        "received_redirect_uri": {"type": "string", "nullable": True},
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


def frame_routes(runtime: Runtime) -> list[Route]:
    def context(session: Session, request_id: str, link_token: str) -> FlowContext:
        # The frame runs on the time of the client whose link token it holds.
        return flow_context(
            runtime, session, request_id, now=_link_token_client_now(runtime, session, link_token)
        )

    def start(
        session: Session, body: JSONObject, path: dict[str, Any], request_id: str
    ) -> JSONObject:
        return service.start_session(
            context(session, request_id, body["link_token"]),
            body["link_token"],
            body.get("received_redirect_uri"),
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


COMPLETE_SCHEMA: Schema = {
    "type": "object",
    "required": ["link_token"],
    "properties": {
        "link_token": {"type": "string", "minLength": 1},
        "outcome": {"type": "string", "enum": ["success", "exit"]},
        "institution_id": {"type": "string", "minLength": 1},
        "username": {"type": "string"},
        "password": {"type": "string"},
        "account_masks": {"type": "array", "items": {"type": "string"}},
        "exit_from": {
            "type": "string",
            "enum": ["CONSENT", "SELECT_INSTITUTION", "CREDENTIAL", "MFA", "SELECT_ACCOUNT"],
        },
    },
}

_DEFAULT_INSTITUTION = "ins_109508"


def _link_token_client_now(runtime: Runtime, session: Session, link_token: str) -> datetime:
    real_now = runtime.clock.now()
    client_id = session.scalar(
        select(LinkToken.client_id).where(LinkToken.token_hash == token_hash(link_token))
    )
    if client_id is None:  # an unknown token: Link refuses it anyway
        return real_now
    return runtime.client_clocks.now(session, client_id, real_now)


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


def complete_link_session(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Run a whole Link session without a browser, as a user would click through it."""
    flow_ctx = flow_context(ctx.runtime, ctx.session, ctx.request_id, now=ctx.now)
    token = service.usable_link_token(flow_ctx, body["link_token"])
    if token.client_id != ctx.caller.client_id:
        raise invalid_link_token()
    started = service.start_session(flow_ctx, body["link_token"])
    row = ctx.session.get(LinkSession, started["link_session_id"])
    assert row is not None
    flow = LinkFlow(flow_ctx, token, row)
    flow.events = list(started["events"])
    exit_from = body.get("exit_from") or ("CONSENT" if body.get("outcome") == "exit" else None)
    _drive(flow, body, exit_from)
    flow.save()
    response = flow.response()
    outcome = response["outcome"]
    assert outcome is not None
    if outcome["type"] == "success":
        return {
            "link_session_id": row.id,
            "status": "SUCCESS",
            "public_token": outcome["public_token"],
            "metadata": outcome["metadata"],
            "events": response["events"],
        }
    return {
        "link_session_id": row.id,
        "status": "EXITED",
        "error": outcome["error"],
        "metadata": outcome["metadata"],
        "events": response["events"],
    }


def _drive(flow: LinkFlow, body: JSONObject, exit_from: str | None) -> None:
    for _ in range(100):  # a session has a few dozen steps at most; never loop forever
        if flow.outcome is not None:
            return
        view = flow.row.view
        if view == exit_from or view == "ERROR":
            flow.act("force_exit", {})
        elif view in ("CONSENT", "DATA_TRANSPARENCY_CONSENT"):
            flow.act("continue", {})
        elif view == "SELECT_INSTITUTION":
            flow.act(
                "select_institution",
                {"institution_id": body.get("institution_id", _DEFAULT_INSTITUTION)},
            )
        elif view == "CREDENTIAL":
            if flow.state.get("error"):
                flow.act("force_exit", {})  # wrong credentials: retrying would not change them
                continue
            flow.act(
                "submit_credentials",
                {
                    "username": body.get("username", "user_good"),
                    "password": body.get("password", "pass_good"),
                },
            )
        elif view == "MFA":
            _answer_mfa(flow)
        elif view == "SELECT_ACCOUNT":
            if flow.state.get("error"):
                flow.act("force_exit", {})  # product validations refused these accounts
                continue
            offered = flow.state["offered"]
            masks = body.get("account_masks")
            chosen = [a["id"] for a in offered if masks is None or a["mask"] in masks]
            if not chosen:
                raise errors.invalid_field("account_masks matches none of the accounts offered")
            if flow.customization.single_account:
                chosen = chosen[:1]
            flow.act("select_accounts", {"account_ids": chosen})
        elif view == "CONNECTED":
            flow.act("continue", {})
        elif view == "OAUTH":
            institution = flow.institution
            raise errors.invalid_field(
                f"{institution.name if institution else 'this institution'} signs users in at "
                "its OAuth bank, which /_gingham/link/complete does not drive: link it in a "
                "browser (or with /sandbox/public_token/create), or choose a credential "
                "institution such as ins_109508"
            )
        else:
            raise errors.invalid_field(
                f"/_gingham/link/complete cannot go on from Link's {view} pane"
            )
    raise errors.invalid_field("the Link session did not end within 100 steps")


def _answer_mfa(flow: LinkFlow) -> None:
    if flow.state.get("error"):
        flow.act("force_exit", {})
        return
    progress = flow.state["mfa"]
    if progress["step"] == "device":
        flow.act("choose_device", {"device_id": mfa.DEVICES[0]["id"]})
        return
    plan = mfa.MfaPlan(**progress["plan"])
    flow.act(
        "submit_mfa", {"answers": mfa.expected_answers(progress["step"], progress["round"], plan)}
    )
