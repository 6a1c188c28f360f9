"""Link sessions: starting them for a link token, applying the frame's actions, reporting them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.crypto import SecretBox
from gingham.link import actions, expiry, legacy, oauth, panes
from gingham.link.flow import FlowContext, LinkFlow, SessionEnded
from gingham.link.models import LinkEvent, LinkOAuthState, LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.link_tokens.service import invalid_link_token
from gingham.wire.ids import token_environment, token_hash
from gingham.wire.json import format_datetime


def usable_link_token(ctx: FlowContext, link_token: str) -> LinkToken:
    """The link token, if Link may still run with it; INVALID_LINK_TOKEN otherwise."""
    token = known_link_token(ctx, link_token)
    if token.invalidated_at is not None or token.expires_at <= ctx.now:
        raise invalid_link_token()
    return token


def known_link_token(ctx: FlowContext, link_token: str) -> LinkToken:
    """The link token, usable or not; INVALID_LINK_TOKEN for one Gingham never issued."""
    if token_environment(link_token, "link") is None:
        raise invalid_link_token()
    hashed = token_hash(link_token)
    token = ctx.link_tokens.get(hashed)
    if token is None:
        token = ctx.session.scalar(select(LinkToken).where(LinkToken.token_hash == hashed))
        if token is None:
            raise invalid_link_token()
        ctx.link_tokens[hashed] = token
    return token


def start_session(
    ctx: FlowContext,
    link_token: str,
    received_redirect_uri: str | None = None,
    *,
    on_end: SessionEnded | None = None,
) -> dict[str, Any]:
    if received_redirect_uri:
        given_up = _given_up_at_the_bank(ctx, link_token, received_redirect_uri, on_end)
        if given_up is not None:
            return given_up
    token = usable_link_token(ctx, link_token)
    if received_redirect_uri:
        return _resume_session(ctx, token, received_redirect_uri, on_end)
    flow = open_session(ctx, token)
    flow.save()
    _after(flow, on_end)
    return panes.response(flow)


def open_session(ctx: FlowContext, token: LinkToken) -> LinkFlow:
    """A new session on the consent pane, not yet written: save() inserts its row."""
    row = LinkSession(
        id=str(uuid.uuid4()),
        link_token_id=token.id,
        view="CONSENT",
        institution_id=None,
        state={},
        status="open",
        item_id=None,
        result=None,
        started_at=ctx.now,
        finished_at=None,
    )
    flow = LinkFlow(ctx, token, row)
    actions.start(flow)
    expiry.schedule_deadline(ctx, token, row)
    return flow


def start_legacy_session(
    ctx: FlowContext, public_key: str, options: dict[str, Any]
) -> dict[str, Any]:
    """A session for a public key (Plaid's legacy Plaid.create), on a link token made for it.
    The answer carries that token for the frame, which sends it with every action."""
    token = options.get("token")
    if isinstance(token, str) and token_environment(token, "link") is not None:
        # Beside a link token the legacy options count for nothing, as at Plaid.
        link_token = token
    else:
        link_token = legacy.mint_link_token(ctx, public_key, options)
    return {**start_session(ctx, link_token), "link_token": link_token}


def _given_up_at_the_bank(
    ctx: FlowContext, link_token: str, received_redirect_uri: str, on_end: SessionEnded | None
) -> dict[str, Any] | None:
    """Link gave up on the token while the user was at the bank (redirect flow): the session
    ends, or has ended, with INVALID_LINK_TOKEN from the OAuth pane, as an action would find."""
    token = known_link_token(ctx, link_token)
    try:
        state_id = oauth.parse_received_redirect_uri(token, received_redirect_uri)
    except errors.PlaidError:
        return None
    state = ctx.session.get(LinkOAuthState, state_id)
    row = (
        ctx.session.get(LinkSession, state.link_session_id, with_for_update=True) if state else None
    )
    if row is None or row.link_token_id != token.id:
        return None
    return _if_link_gave_up(LinkFlow(ctx, token, row), on_end)


def _if_link_gave_up(flow: LinkFlow, on_end: SessionEnded | None) -> dict[str, Any] | None:
    """The answer for a session whose token stopped working (gingham.link.expiry): it ends now
    with INVALID_LINK_TOKEN, or its deadline timer ended it so and the frame hears of it now.
    None when the session can go on, or ended some other way."""
    row = flow.row
    if row.status != "open":
        ending_events = expiry.events_of_its_end(flow.ctx.session, row)
        if ending_events is None:
            return None
        flow.events, flow.outcome = ending_events, row.result
        return panes.response(flow)
    if not expiry.token_gave_out(flow):
        return None
    expiry.end_with_invalid_token(flow)
    flow.save()
    _after(flow, on_end)
    return panes.response(flow)


def _resume_session(
    ctx: FlowContext, token: LinkToken, received_redirect_uri: str, on_end: SessionEnded | None
) -> dict[str, Any]:
    """Link opened again at the redirect URI after the bank: the same session continues."""
    state = oauth.resume_state(
        ctx.session, token, oauth.parse_received_redirect_uri(token, received_redirect_uri)
    )
    row = ctx.session.get(LinkSession, state.link_session_id, with_for_update=True)
    assert row is not None
    flow = LinkFlow(ctx, token, row)
    actions.resume_after_redirect(flow)
    flow.save()
    _after(flow, on_end)
    return panes.response(flow)


def apply_action(
    ctx: FlowContext,
    link_session_id: str,
    link_token: str,
    action: str,
    body: dict[str, Any],
    *,
    on_end: SessionEnded | None = None,
) -> dict[str, Any]:
    # A token that stopped working ends the session it served (gingham.link.expiry): the
    # session, not this call, answers for it.
    token = known_link_token(ctx, link_token)
    row = ctx.session.get(LinkSession, link_session_id, with_for_update=True)
    if row is None or row.link_token_id != token.id:
        raise errors.InvalidRequest(
            "NOT_FOUND", f"no Link session {link_session_id} for this link token", status=404
        )
    flow = LinkFlow(ctx, token, row)
    given_up = _if_link_gave_up(flow, on_end)
    if given_up is not None:
        return given_up
    if row.status != "open":
        raise errors.invalid_field(f"the Link session has already ended ({row.status})")
    actions.act(flow, action, body)
    flow.save()
    _after(flow, on_end)
    return panes.response(flow)


def _after(flow: LinkFlow, on_end: SessionEnded | None) -> None:
    # Only an open session reaches here, so a status other than open was set by this call.
    if on_end is not None and flow.status != "open":
        on_end(flow.ctx, flow.token, flow.row)


def events_of_session(session: Session, link_session_id: str) -> list[dict[str, Any]]:
    """A session's events as /link/token/get and the LINK EVENTS webhook give them."""
    return [
        _event_json(event)
        for event in session.scalars(
            select(LinkEvent)
            .where(LinkEvent.link_session_id == link_session_id)
            .order_by(LinkEvent.sequence)
        )
    ]


def sessions_of_link_token(
    session: Session, token: LinkToken, secrets: SecretBox
) -> list[dict[str, Any]]:
    """`link_sessions` of /link/token/get: each session with its events and how it ended.
    None for a public-key session's token, as Plaid logged none of those."""
    if legacy.is_legacy(token.config):
        return []
    rows = session.scalars(
        select(LinkSession)
        .where(LinkSession.link_token_id == token.id)
        .order_by(LinkSession.started_at)
    ).all()
    events_by_session: dict[str, list[dict[str, Any]]] = {row.id: [] for row in rows}
    for event in session.scalars(
        select(LinkEvent)
        .where(LinkEvent.link_session_id.in_(list(events_by_session)))
        .order_by(LinkEvent.link_session_id, LinkEvent.sequence)
    ):
        events_by_session[event.link_session_id].append(_event_json(event))
    # Bank Income's Link sessions report each Item they added for income.
    for_income = "income_verification" in (token.config.get("products") or ())
    return [
        _session_json(row, events_by_session[row.id], secrets, for_income=for_income)
        for row in rows
    ]


def _event_json(event: LinkEvent) -> dict[str, Any]:
    metadata = {
        key: value
        for key, value in event.metadata_.items()
        # Optional but not nullable in plaid-python: absent rather than null.
        if value is not None and key not in ("link_session_id", "timestamp", "is_update_mode")
    }
    return {
        "event_name": event.event_name,
        "timestamp": event.metadata_["timestamp"],
        "event_id": event.id,
        "event_metadata": metadata,
    }


def _session_json(
    row: LinkSession, events: list[dict[str, Any]], secrets: SecretBox, *, for_income: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "link_session_id": row.id,
        "started_at": format_datetime(row.started_at),
        "finished_at": format_datetime(row.finished_at),
        "events": events,
    }
    result = row.result or {}
    if row.status == "success":
        public_token = secrets.open(row.state["public_token"], context=row.id)
        metadata = result["metadata"]
        body["on_success"] = {"public_token": public_token, "metadata": metadata}
        body["results"] = {
            "item_add_results": [
                {
                    "public_token": public_token,
                    "accounts": metadata["accounts"],
                    "institution": metadata["institution"],
                }
            ],
            "cra_item_add_results": [],
            "cra_update_results": [],
            "bank_income_results": (
                [
                    {
                        "status": "APPROVED",
                        "item_id": row.item_id,
                        "institution": metadata["institution"],
                    }
                ]
                if for_income and row.item_id
                else []
            ),
            "payroll_income_results": [],
            "document_income_results": None,
        }
    elif row.status == "exit":
        body["exit"] = {"error": result.get("error"), "metadata": result["metadata"]}
        body["on_exit"] = body["exit"]
    return body
