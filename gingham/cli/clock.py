"""`gingham clock show|advance`: a client's sandbox clock from the terminal."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from gingham import errors
from gingham.cli.database import prepare_database
from gingham.clients import service as clients_service
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.db import make_engine, make_session_factory
from gingham.sandbox_clock import api as clock_api
from gingham.sandbox_clock import service as clock_service
from gingham.sandbox_clock.durations import DurationError, parse_duration
from gingham.webhooks import outbox as webhooks_outbox
from gingham.webhooks import waiting
from gingham.wire.json import format_datetime, parse_datetime


def manage_clock(
    settings: Settings,
    action: str,
    client_id: str,
    *,
    by: str | None,
    to: str | None,
    as_json: bool,
    wait: bool = False,
) -> int:
    """Run `gingham clock show|advance`; the exit status. A running server sees an advance made
    here within a second (sandbox_clock.service.OFFSET_REFRESH_SECONDS). With `wait`, the advance
    is printed once the webhooks due when it committed have been sent by the workers (a server's
    own, or `gingham worker`), or WAIT_FOR_WEBHOOKS_SECONDS have passed."""
    from gingham.app import TIMER_HANDLERS

    try:
        duration = parse_duration(by) if by is not None else None
    except DurationError as problem:
        print(f"gingham: --by {by!r}: {problem} (e.g. P7D, PT36H, P1DT2H)", file=sys.stderr)
        return 2
    try:
        moment = parse_datetime(to) if to is not None else None
    except ValueError:
        print(f"gingham: --to {to!r} is not a date-time like 2027-01-01T00:00:00Z", file=sys.stderr)
        return 2
    prepare_database(settings)
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    try:
        with session_factory() as session, session.begin():
            if not clients_service.client_exists(session, client_id):
                print(f"gingham: no API client has client_id {client_id!r}", file=sys.stderr)
                return 2
            real_now = SystemClock().now()
            if action == "show":
                _print_clock(session, client_id, real_now, as_json=as_json)
                return 0
            advance = clock_service.advance_clock(
                session,
                client_id,
                by=duration,
                to=moment,
                real_now=real_now,
                handlers=TIMER_HANDLERS,
            )
            # Read in the advance's transaction, as the HTTP endpoint does: no worker can have
            # sent one of these before it commits.
            due = (
                webhooks_outbox.unfinished_due_attempts(
                    session, client_id=client_id, now=SystemClock().now()
                )
                if wait
                else None
            )
        webhooks = None
        if due is not None:
            webhooks = asyncio.run(waiting.wait_for_attempts(session_factory, due))
        _print_advance(advance, webhooks, as_json=as_json)
        return 0
    except errors.PlaidError as error:
        print(f"gingham: {error.error_message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _print_clock(session: Session, client_id: str, real_now: datetime, *, as_json: bool) -> None:

    state = clock_service.clock_state(session, client_id, real_now)
    if as_json:
        print(json.dumps(clock_api.clock_json(state)))
        return
    timers = clock_service.pending_timers(session, client_id)
    print(f"Sandbox clock of client {client_id}: {format_datetime(state.now)}")
    print(f"  {_ahead(state.offset_seconds)}; real time {format_datetime(real_now)}")
    print(f"  {len(timers)} pending timer(s)" + (":" if timers else ""))
    for timer in timers:
        print(f"    {format_datetime(timer.due_at)}  {timer.kind}  {timer.subject_id or '-'}")


def _print_advance(
    advance: clock_service.Advance, webhooks: waiting.DeliveryTally | None, *, as_json: bool
) -> None:

    if as_json:
        answer = clock_api.advance_json(advance)
        if webhooks is not None:
            answer["webhooks"] = webhooks.json()
        print(json.dumps(answer))
        return
    print(
        f"Advanced the sandbox clock of client {advance.clock.client_id} to "
        f"{format_datetime(advance.clock.now)} ({_ahead(advance.clock.offset_seconds)})."
    )
    print(f"Fired {len(advance.fired)} timer(s)" + (":" if advance.fired else "."))
    for fired in advance.fired:
        print(f"  {format_datetime(fired.due_at)}  {fired.kind}  {fired.subject_id or '-'}")
    if webhooks is not None:
        print(
            f"Webhooks: {webhooks.delivered} delivered, {webhooks.failed} failed, "
            f"{webhooks.pending} still pending."
        )
        if webhooks.pending:
            print(
                "  Webhooks are sent by `gingham serve` (unless GINGHAM_WORKER=0) or by "
                "`gingham worker`: is one running on this database?"
            )


def _ahead(offset_seconds: float) -> str:
    if not offset_seconds:
        return "on real time"
    return f"{timedelta(seconds=round(offset_seconds))} ahead of real time"
