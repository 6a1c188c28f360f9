"""When Link gives up on a link token, and what the session that was using it then does.

Plaid's "Handling an invalid Link token": the user invalidates the link token by taking too long
to go through the flow (30+ minutes) or by attempting too many invalid logins, and Link exits
with INVALID_LINK_TOKEN. Gingham measures both on the link token's client's sandbox clock, the
same time that decides the token's own expiry:

- a session still unfinished 30 minutes after it started (or when its token expires, if that is
  sooner) ends with INVALID_LINK_TOKEN and the token stops working. A sandbox timer ends it at
  that moment, so that /link/token/get reports the exit even if the frame never calls again; the
  frame's next call, whichever comes first, ends it too (and is told how it ended);
- failed logins and MFA answers count per link token, across all its sessions
  (`LinkToken.failed_logins`); the one that reaches MAX_FAILED_ATTEMPTS ends the session the same
  way. Plaid does not publish its limit; each failure before it shows INVALID_CREDENTIALS or
  INVALID_MFA on the pane, for the user to try again.

A session on CONNECTED has linked its Item already: leaving it hands the Item over, whatever the
token's state (gingham.link.steps.ending).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gingham import errors
from gingham.crypto import SecretBox
from gingham.link.flow import FlowContext, LinkFlow, SessionEnded
from gingham.link.models import LinkEvent, LinkSession
from gingham.link.state import View
from gingham.link.steps import ending
from gingham.link_tokens.models import LinkToken
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, schedule_timer
from gingham.wire.ids import new_request_id

# How long a Link session may stay unfinished before its link token stops working.
SESSION_LIFETIME = timedelta(minutes=30)
# After this many failed logins or MFA answers with one link token, the token stops working.
MAX_FAILED_ATTEMPTS = 5

SESSION_DEADLINE = "link_session_deadline"


def deadline(token: LinkToken, row: LinkSession) -> datetime:
    """When the session's time is up: 30 minutes after it started, or its token's expiry."""
    return min(row.started_at + SESSION_LIFETIME, token.expires_at)


def schedule_deadline(ctx: FlowContext, token: LinkToken, row: LinkSession) -> None:
    schedule_timer(
        ctx.session,
        token.client_id,
        due_at=deadline(token, row),
        kind=SESSION_DEADLINE,
        subject_id=row.id,
    )


def token_gave_out(flow: LinkFlow) -> bool:
    """The open session can go no further: its token was invalidated (by another session too),
    or its time is up. Not on CONNECTED, where the Item is already linked."""
    if flow.view is View.CONNECTED:
        return False
    return flow.token.invalidated_at is not None or flow.ctx.now >= deadline(flow.token, flow.row)


def end_with_invalid_token(flow: LinkFlow) -> None:
    """Link gives up: the session exits with INVALID_LINK_TOKEN from the pane it is on, and the
    token stops working."""
    error = errors.invalid_link_token_in_link()
    flow.record_error(error)
    if flow.token.invalidated_at is None:
        flow.token.invalidated_at = flow.ctx.now
    flow.state.error = error.summary()
    # A failed login ends the session while it shows LOADING: the user left from the pane whose
    # answer failed.
    left_from = flow.view
    if left_from is View.LOADING:
        left_from = View.MFA if flow.state.mfa is not None else View.CREDENTIAL
    ending.finish_exit(flow, left_from, error=error)


def count_failed_login(flow: LinkFlow) -> bool:
    """Count a failed login or MFA answer against the link token; True when it was the one
    that reached the limit (and the session has ended)."""
    # One UPDATE, so that sessions running at once with the same token lose no count.
    count = flow.ctx.session.execute(
        update(LinkToken)
        .where(LinkToken.id == flow.token.id)
        .values(failed_logins=LinkToken.failed_logins + 1)
        .returning(LinkToken.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(flow.token, "failed_logins", count)
    if count < MAX_FAILED_ATTEMPTS:
        return False
    end_with_invalid_token(flow)
    return True


def events_of_its_end(session: Session, row: LinkSession) -> list[dict[str, Any]] | None:
    """For a call on a session whose deadline timer ended it: the events of that ending, for the
    frame to pass on with the outcome as if the call had ended it (onEvent, then onExit).
    None for a session that ended any other way."""
    result = row.result or {}
    if row.status != "exit" or (result.get("error") or {}).get("error_code") != (
        "INVALID_LINK_TOKEN"
    ):
        return None
    events = session.scalars(
        select(LinkEvent)
        .where(LinkEvent.link_session_id == row.id, LinkEvent.occurred_at >= row.finished_at)
        .order_by(LinkEvent.sequence)
    )
    return [{"event_name": e.event_name, "metadata": e.metadata_} for e in events]


def _end_overdue_session(
    secrets: SecretBox, on_end: SessionEnded | None, timer: TimerContext
) -> None:
    assert timer.timer.subject_id is not None
    row = timer.session.get(LinkSession, timer.timer.subject_id)
    if row is None or row.status != "open":
        return
    # The token first, then the session: the order the frame's calls lock them in.
    token = timer.session.scalar(
        select(LinkToken).where(LinkToken.id == row.link_token_id).with_for_update()
    )
    timer.session.refresh(row, with_for_update=True)
    assert token is not None
    ctx = FlowContext(timer.session, timer.now, new_request_id(), secrets)
    flow = LinkFlow(ctx, token, row)
    if row.status != "open" or not token_gave_out(flow):
        return
    end_with_invalid_token(flow)
    flow.save()
    # As when a call ends it: Hosted Link reports the abandoned session (SESSION_FINISHED, EVENTS).
    if on_end is not None:
        on_end(ctx, token, row)


def timer_handlers(secrets: SecretBox, on_end: SessionEnded | None) -> dict[str, TimerHandler]:
    """The session-deadline timer, ending sessions with `secrets` (to read the sealed tokens a
    LINK webhook carries) and telling `on_end`, as the frame's routes do."""
    return {SESSION_DEADLINE: partial(_end_overdue_session, secrets, on_end)}
